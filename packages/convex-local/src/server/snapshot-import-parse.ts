/**
 * Reads an uploaded `npx convex import` file into tables of Convex values:
 * a snapshot ZIP (the layout of `snapshot-export.ts`, or Convex's own), or one
 * table as JSONL, a JSON array or CSV. Errors carry the codes and texts the
 * Convex backend uses for the same faults.
 */
import { unzipSync } from "fflate";
import type { Value } from "convex/values";
import { CodedError } from "../deploy/coded-error.ts";
import { csvRecords, CsvSyntaxError } from "./csv-records.ts";
import { parseExportJson } from "./export-json.ts";

/** The `format` of `/api/import/finish_upload`, as the CLI names it. */
export type ImportFormat = "csv" | "jsonLines" | "jsonArray" | "zip";

/** The rows for one table; `_storage` rows are file metadata whose bytes are in {@link ParsedImport.files}. */
export type ParsedTable = { componentPath: string; tableName: string; rows: Record<string, Value>[] };

/** What an import file holds. */
export type ParsedImport = {
  tables: ParsedTable[];
  /** Tables a ZIP's `_tables` lists (they are created even when empty). */
  listedTables: { componentPath: string; tableName: string }[];
  /** File bytes by component path, then by the `_storage` id in the file name. */
  files: Map<string, Map<string, Uint8Array>>;
};

const DOCUMENTS = /^(.*\/)?([^/]+)\/documents\.jsonl$/;
const GENERATED_SCHEMA = /^(.*\/)?([^/]+)\/generated_schema\.jsonl$/;
const STORAGE_FILE = /^(.*\/)?_storage\/([^/.]+)(?:\.[^/]+)?$/;
const COMPONENT_SUFFIX = /^(.*\/)?_components\/([^/]+)\/$/;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

function importError(code: string, message: string): CodedError {
  return new CodedError(code, message);
}

/** The component path a ZIP folder prefix names (`x/_components/a/_components/b/` → `a/b`); a leading folder is ignored. */
function componentPathOf(prefix: string | undefined, base: string): string {
  const names: string[] = [];
  let rest = prefix ?? "";
  for (let match = COMPONENT_SUFFIX.exec(rest); match !== null; match = COMPONENT_SUFFIX.exec(rest)) {
    names.unshift(match[2]!);
    rest = match[1] ?? "";
  }
  return [base, ...names].filter((part) => part !== "").join("/");
}

/** A plain JSON value as Convex reads it without a generated schema: every number a float64. */
function plainValue(json: unknown, row: number): Value {
  if (json === null || typeof json === "boolean" || typeof json === "string" || typeof json === "number") return json;
  if (Array.isArray(json)) return json.map((item) => plainValue(item, row));
  return Object.fromEntries(
    Object.entries(json as Record<string, unknown>).map(([key, value]) => {
      if (key === "" || key.startsWith("$")) {
        throw importError(
          "InvalidConvexValue",
          `Row ${row} wasn't a valid Convex value: Field name "${key}" is not valid`,
        );
      }
      return [key, plainValue(value, row)];
    }),
  );
}

function asObject(value: Value, row: number): Record<string, Value> {
  if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof ArrayBuffer) {
    throw importError("NotAnObject", `Row ${row} wasn't an object`);
  }
  return value as Record<string, Value>;
}

function decodeUtf8(bytes: Uint8Array): string {
  if (UTF8_BOM.every((byte, i) => bytes[i] === byte)) {
    throw importError("Utf8BomNotSupported", "UTF-8 BOM is not supported. Please save your file without BOM.");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw importError("NotUtf8", `Import wasn't valid UTF8: ${(error as Error).message}`);
  }
}

/** One row per non-blank line, each parsed by `parse` (export JSON or plain JSON). */
function jsonLines(text: string, uniform: boolean): Record<string, Value>[] {
  const rows: Record<string, Value>[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const row = i + 1;
    let value: Value;
    try {
      value = uniform ? parseExportJson(line) : plainValue(JSON.parse(line), row);
    } catch (error) {
      if (error instanceof CodedError) throw error;
      const code = error instanceof SyntaxError ? "JsonInvalidRow" : "InvalidConvexValue";
      const what = error instanceof SyntaxError ? "wasn't valid JSON" : "wasn't a valid Convex value";
      throw importError(code, `Row ${row} ${what}: ${(error as Error).message}`);
    }
    rows.push(asObject(value, row));
  });
  return rows;
}

const CSV_NUMBER = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

function csvTable(text: string): Record<string, Value>[] {
  let records: string[][];
  try {
    records = csvRecords(text);
  } catch (error) {
    const row = error instanceof CsvSyntaxError ? error.row : 0;
    throw importError("CsvInvalidRow", `Failed to parse CSV row ${row}: ${(error as Error).message}`);
  }
  const [header, ...body] = records;
  if (header === undefined) throw importError("CsvMissingHeaders", "CSV file doesn't have headers");
  const fields = header.map((cell) => {
    const name = cell.replace(/^ +| +$/g, "");
    if (name === "" || name.startsWith("$")) {
      throw importError("CsvInvalidHeader", `CSV header ${JSON.stringify(name)} isn't a valid field name`);
    }
    return name;
  });
  return body.map((cells, i) => {
    if (cells.length !== fields.length) {
      throw importError("CsvRowMissingFields", `CSV row ${i + 1} doesn't have all of the fields in the header`);
    }
    // Convex reads a cell that parses as a number as a float64, anything else as a string.
    return Object.fromEntries(
      fields.map((field, j) => [field, CSV_NUMBER.test(cells[j]!) ? Number(cells[j]) : cells[j]!]),
    );
  });
}

function zipImport(bytes: Uint8Array, baseComponentPath: string): ParsedImport {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch {
    throw importError("InvalidZip", "invalid zip file");
  }
  const uniform = new Set<string>();
  for (const [name, content] of Object.entries(entries)) {
    const match = GENERATED_SCHEMA.exec(name);
    if (match === null) continue;
    const firstLine = decodeUtf8(content).split("\n")[0]!;
    if (firstLine.trim() === JSON.stringify("uniform")) uniform.add(`${match[1] ?? ""}${match[2]}`);
  }
  const parsed: ParsedImport = { tables: [], listedTables: [], files: new Map() };
  for (const [name, content] of Object.entries(entries)) {
    const documents = DOCUMENTS.exec(name);
    if (documents !== null) {
      const componentPath = componentPathOf(documents[1], baseComponentPath);
      const tableName = documents[2]!;
      // Other system tables (scheduled jobs and the like) are not restored, as on Convex.
      if (tableName.startsWith("_") && tableName !== "_tables" && tableName !== "_storage") continue;
      // `_tables` and `_storage` metadata are plain JSON on Convex; export JSON reads plain JSON the same way here.
      const isUniform = uniform.has(`${documents[1] ?? ""}${tableName}`) || tableName.startsWith("_");
      const rows = jsonLines(decodeUtf8(content), isUniform);
      if (tableName === "_tables") {
        for (const row of rows) {
          if (typeof row.name === "string") parsed.listedTables.push({ componentPath, tableName: row.name });
        }
      } else {
        parsed.tables.push({ componentPath, tableName, rows });
      }
      continue;
    }
    const file = STORAGE_FILE.exec(name);
    if (file !== null && file[2] !== "documents" && !name.endsWith("/")) {
      const componentPath = componentPathOf(file[1], baseComponentPath);
      const byId = parsed.files.get(componentPath) ?? new Map<string, Uint8Array>();
      byId.set(file[2]!, content);
      parsed.files.set(componentPath, byId);
    }
  }
  return parsed;
}

/**
 * Parses an uploaded import file.
 *
 * @example
 * ```ts
 * parseImportFile(bytes, { format: "jsonLines", tableName: "messages", componentPath: "" });
 * ```
 */
export function parseImportFile(
  bytes: Uint8Array,
  options: { format: ImportFormat; tableName: string | null; componentPath: string },
): ParsedImport {
  const { format, tableName, componentPath } = options;
  if (format === "zip") return zipImport(bytes, componentPath);
  if (tableName === null) throw importError("InvalidName", `A table name is required for format ${format}`);
  const single = (rows: Record<string, Value>[]): ParsedImport => ({
    tables: [{ componentPath, tableName, rows }],
    listedTables: [],
    files: new Map(),
  });
  const text = decodeUtf8(bytes);
  if (format === "jsonLines") return single(jsonLines(text, false));
  if (format === "csv") return single(csvTable(text));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw importError("NotJson", `Not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(json)) throw importError("NotJsonArray", "Not a JSON array");
  return single(json.map((item, i) => asObject(plainValue(item, i + 1), i + 1)));
}
