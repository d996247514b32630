/**
 * What `npx convex import` does to the data once its file is parsed: the
 * change summary it asks the user to confirm, and the import itself, as one
 * transaction. Documents keep their `_id` and `_creationTime` when the id is
 * one of this deployment's; ids from elsewhere (an export of a Convex cloud
 * deployment) get fresh ids, and every string in the imported documents that
 * equals a replaced id is rewritten, so references between imported tables
 * (and to imported files) still hold.
 */
import type { Value } from "convex/values";
import type { AdminData, AdminWriter } from "../engine/admin-data.ts";
import { CodedError, isCodedError } from "../deploy/coded-error.ts";
import type { ParsedImport } from "./snapshot-import-parse.ts";

/** How an import treats existing data (the CLI's default, `--append`, `--replace`, `--replace-all`). */
export type ImportMode = "requireEmpty" | "append" | "replace" | "replaceAll";

type TableKey = { componentPath: string; tableName: string };
type TableChange = TableKey & { added: number; deleted: number; existing: number };

const STORAGE = "_storage";
const BACKGROUND_NOTE =
  "Once the import has started, it will run in the background.\nInterrupting `npx convex import` will not cancel it.";

function keyOf({ componentPath, tableName }: TableKey): string {
  return `${componentPath}\u0000${tableName}`;
}

function compareKeys(a: TableKey, b: TableKey): number {
  if (a.componentPath !== b.componentPath) return a.componentPath < b.componentPath ? -1 : 1;
  return a.tableName < b.tableName ? -1 : a.tableName > b.tableName ? 1 : 0;
}

const withCommas = (n: number) => n.toLocaleString("en-US");

/** Every table the import touches, with its documents to add and delete, in component then table order. */
function tableChanges(data: AdminData, parsed: ParsedImport, mode: ImportMode): TableChange[] {
  const added = new Map<string, { key: TableKey; count: number }>();
  const touch = (key: TableKey, count: number) => {
    const entry = added.get(keyOf(key)) ?? { key, count: 0 };
    entry.count += count;
    added.set(keyOf(key), entry);
  };
  for (const key of parsed.listedTables) touch(key, 0);
  for (const table of parsed.tables) touch(table, table.rows.length);
  if (mode === "replaceAll") {
    for (const componentPath of data.componentPaths()) {
      for (const tableName of data.tableNames(componentPath)) {
        if (!tableName.startsWith("_")) touch({ componentPath, tableName }, 0);
      }
    }
  }
  const changes: TableChange[] = [];
  for (const { key, count } of added.values()) {
    if (key.tableName.startsWith("_") && key.tableName !== STORAGE) continue;
    const existing = data.documents(key.componentPath, key.tableName).length;
    if (mode === "requireEmpty" && existing > 0) {
      throw new CodedError(
        "TableExists",
        `Table ${key.tableName} already exists. Please choose a new table name or use replace/append modes.`,
      );
    }
    const deleted = mode === "replace" || mode === "replaceAll" ? existing : 0;
    changes.push({ ...key, added: count, deleted, existing });
  }
  return changes.sort(compareKeys);
}

/** The `table | create | delete |` block for one component's changes. */
function renderChanges(changes: TableChange[]): string[] {
  const rows = [
    ["table", "create", "delete"],
    ...changes.map((c) => [
      c.tableName,
      withCommas(c.added),
      `${withCommas(c.deleted)} of ${withCommas(c.existing)}${c.tableName === STORAGE ? " files" : ""}`,
    ]),
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => `${row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`);
  lines.splice(1, 0, "-".repeat(widths[0]! + widths[1]! + widths[2]! + 8));
  return lines;
}

/**
 * The summary `npx convex import` prints before importing, and whether it
 * must ask before going on (it must when the import deletes anything).
 * Throws `TableExists` when `requireEmpty` meets a table with documents.
 *
 * @example
 * ```ts
 * const { message, requireManualConfirmation } = planImport(engine.adminData, parsed, "replace");
 * ```
 */
export function planImport(
  data: AdminData,
  parsed: ParsedImport,
  mode: ImportMode,
): { message: string; requireManualConfirmation: boolean } {
  const changes = tableChanges(data, parsed, mode);
  const lines: string[] = [];
  for (const componentPath of [...new Set(changes.map((c) => c.componentPath))]) {
    if (componentPath !== "") lines.push(`Component ${componentPath}`);
    lines.push(...renderChanges(changes.filter((c) => c.componentPath === componentPath)));
  }
  if (lines.length > 0) lines.unshift("Import change summary:");
  lines.push(BACKGROUND_NOTE);
  return { message: lines.join("\n"), requireManualConfirmation: changes.some((c) => c.deleted > 0) };
}

/** Replaces, deep inside `value`, every string that is a replaced id. */
function remapIds(value: Value, ids: Map<string, string>): Value {
  if (ids.size === 0) return value;
  if (typeof value === "string") return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((item) => remapIds(item, ids));
  if (value !== null && typeof value === "object" && !(value instanceof ArrayBuffer)) {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, remapIds(field, ids)]));
  }
  return value;
}

/** The id each imported document gets: its own when it is one of this deployment's ids of its table, else a fresh one. */
function assignIds(data: AdminData, writer: AdminWriter, parsed: ParsedImport, mode: ImportMode): Map<string, string> {
  const replaced = new Map<string, string>();
  for (const { componentPath, tableName, rows } of parsed.tables) {
    const seen = new Set<string>();
    const existing =
      mode === "append" ? new Set(data.documents(componentPath, tableName).map((d) => d._id)) : new Set<string>();
    for (const row of rows) {
      if (row._id === undefined) continue;
      const id = String(row._id);
      if (seen.has(id))
        throw new CodedError("DuplicateId", `Objects in table "${tableName}" have duplicate _id fields`);
      seen.add(id);
      if (!data.isDocumentId(tableName, id)) replaced.set(id, writer.newId(componentPath, tableName));
      else if (existing.has(id)) {
        throw new CodedError(
          "DuplicateId",
          `A document with _id ${id} already exists in table "${tableName}"; use --replace to overwrite it.`,
        );
      }
    }
  }
  return replaced;
}

function deleteExisting(data: AdminData, writer: AdminWriter, parsed: ParsedImport, mode: ImportMode): void {
  if (mode !== "replace" && mode !== "replaceAll") return;
  const tables = new Map<string, TableKey>();
  for (const key of [...parsed.listedTables, ...parsed.tables]) tables.set(keyOf(key), key);
  if (mode === "replaceAll") {
    for (const componentPath of data.componentPaths()) {
      for (const tableName of data.tableNames(componentPath)) {
        if (!tableName.startsWith("_")) tables.set(keyOf({ componentPath, tableName }), { componentPath, tableName });
      }
    }
  }
  for (const { componentPath, tableName } of tables.values()) {
    if (tableName.startsWith("_") && tableName !== STORAGE) continue;
    for (const document of data.documents(componentPath, tableName)) writer.delete(componentPath, document._id);
  }
}

function importFiles(writer: AdminWriter, parsed: ParsedImport, ids: Map<string, string>): void {
  for (const { componentPath, tableName, rows } of parsed.tables) {
    if (tableName !== STORAGE) continue;
    for (const row of rows) {
      const originalId = String(row._id);
      const bytes = parsed.files.get(componentPath)?.get(originalId);
      if (bytes === undefined)
        throw new CodedError(
          "MissingStorageFile",
          `The file of _storage document ${originalId} is missing from the ZIP.`,
        );
      writer.putFile(componentPath, {
        id: ids.get(originalId) ?? originalId,
        creationTime:
          row._creationTime === undefined ? writer.newCreationTime(componentPath) : Number(row._creationTime),
        bytes,
        contentType: typeof row.contentType === "string" ? row.contentType : null,
      });
    }
  }
}

function importDocuments(writer: AdminWriter, parsed: ParsedImport, ids: Map<string, string>): number {
  let written = 0;
  for (const { componentPath, tableName, rows } of parsed.tables) {
    if (tableName === STORAGE) continue;
    rows.forEach((row, i) => {
      const { _id, _creationTime, ...rest } = row;
      const reserved = Object.keys(rest).find((key) => key.startsWith("_"));
      if (reserved !== undefined) {
        throw new CodedError(
          "InvalidConvexValue",
          `Row ${i + 1} wasn't a valid Convex value: field name "${reserved}" starts with "_", which is reserved for system fields`,
        );
      }
      const fields = remapIds(rest, ids) as Record<string, Value>;
      try {
        writer.validate(componentPath, tableName, fields);
      } catch (error) {
        throw new Error(
          `Failed to insert or update a document in table "${tableName}" because it does not match the schema: ${(error as Error).message}`,
          { cause: error },
        );
      }
      const id = _id === undefined ? writer.newId(componentPath, tableName) : (ids.get(String(_id)) ?? String(_id));
      const creationTime = _creationTime === undefined ? writer.newCreationTime(componentPath) : Number(_creationTime);
      writer.put(componentPath, { ...fields, _id: id, _creationTime: creationTime });
      written += 1;
    });
  }
  return written;
}

/**
 * Imports `parsed` in one transaction and answers how many documents it
 * wrote (files not counted, as on Convex). Errors are `CodedError`s whose
 * message is what the CLI prints after "Importing data … failed".
 *
 * @example
 * ```ts
 * const { rowsWritten } = await applyImport(engine.adminData, parsed, "append");
 * ```
 */
export async function applyImport(
  data: AdminData,
  parsed: ParsedImport,
  mode: ImportMode,
): Promise<{ rowsWritten: number }> {
  let rowsWritten = 0;
  try {
    // The same checks as the summary, against the data as it is now.
    tableChanges(data, parsed, mode);
    await data.transact((writer) => {
      const ids = assignIds(data, writer, parsed, mode);
      deleteExisting(data, writer, parsed, mode);
      importFiles(writer, parsed, ids);
      rowsWritten = importDocuments(writer, parsed, ids);
    });
  } catch (error) {
    if (isCodedError(error)) throw error;
    throw new CodedError(
      "ImportFailed",
      `Hit an error while importing:\n${(error as Error)?.message ?? String(error)}`,
    );
  }
  return { rowsWritten };
}
