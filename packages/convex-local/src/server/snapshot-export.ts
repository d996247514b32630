/**
 * Builds the ZIP that `npx convex export` downloads, laid out as Convex lays
 * out its snapshot exports, so `npx convex import` (here or on Convex) reads it
 * back:
 *
 * ```
 * README.md
 * _tables/documents.jsonl                  {"name": "<table>", "id": <table number>} per table
 * <table>/documents.jsonl                  one document per line (`export-json.ts`)
 * <table>/generated_schema.jsonl           "uniform"
 * _storage/documents.jsonl, _storage/<id>[.ext]   with --include-file-storage
 * _components/<name>/…                     the same for each component, nested
 * ```
 */
import { zipSync, strToU8, type Zippable } from "fflate";
import type { Value } from "convex/values";
import type { AdminData } from "../engine/admin-data.ts";
import { stringifyExportJson } from "./export-json.ts";

const README = `# Convex snapshot export (convex-local)

Each table's documents are in <table>/documents.jsonl, one JSON document per
line; components' tables are under _components/<component name>/. Stored
files, when the export includes them, are in _storage/.

Restore it with \`npx convex import <this file>.zip\`.
`;

/** Table numbers are only labels in `_tables`; user tables count from here. */
const FIRST_TABLE_NUMBER = 10001;

/** File-name extensions for common content types, so exported files open at a glance. */
const EXTENSIONS: Record<string, string> = {
  "application/json": "json",
  "application/pdf": "pdf",
  "application/zip": "zip",
  "audio/mpeg": "mp3",
  "image/gif": "gif",
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/svg+xml": "svg",
  "image/webp": "webp",
  "text/csv": "csv",
  "text/html": "html",
  "text/plain": "txt",
  "video/mp4": "mp4",
};

/**
 * The folder prefix of a component's tables: `""` for the root,
 * `_components/a/_components/b/` for `a/b`.
 *
 * @example
 * ```ts
 * componentPrefix("betterAuth"); // "_components/betterAuth/"
 * ```
 */
export function componentPrefix(componentPath: string): string {
  return componentPath === ""
    ? ""
    : componentPath
        .split("/")
        .map((name) => `_components/${name}/`)
        .join("");
}

function jsonLines(values: Value[]): Uint8Array {
  return strToU8(values.map((value) => `${stringifyExportJson(value)}\n`).join(""));
}

function byId(a: { _id: string }, b: { _id: string }): number {
  return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
}

/** A document with `_id` and `_creationTime` first, as exports list them. */
function exportedDocument(document: Record<string, unknown> & { _id: string; _creationTime: number }): Value {
  const { _id, _creationTime, ...fields } = document;
  return { _id, _creationTime, ...fields } as Value;
}

/**
 * The snapshot ZIP of every component's user tables (and their files when
 * `includeStorage`), read at one instant.
 *
 * @example
 * ```ts
 * const zip = await buildSnapshotZip(engine.adminData, { includeStorage: true });
 * ```
 */
export async function buildSnapshotZip(data: AdminData, options: { includeStorage: boolean }): Promise<Uint8Array> {
  const files: Zippable = { "README.md": strToU8(README) };
  const storage: { componentPath: string; prefix: string; documents: Record<string, unknown>[] }[] = [];
  // Documents are read synchronously, so every table is at the same commit; file bytes never change.
  for (const componentPath of data.componentPaths()) {
    const prefix = componentPrefix(componentPath);
    const tables = data.tableNames(componentPath).filter((name) => !name.startsWith("_"));
    files[`${prefix}_tables/documents.jsonl`] = jsonLines(
      tables.map((name, i) => ({ name, id: BigInt(FIRST_TABLE_NUMBER + i) })),
    );
    for (const tableName of tables) {
      const documents = data.documents(componentPath, tableName).sort(byId);
      files[`${prefix}${tableName}/documents.jsonl`] = jsonLines(documents.map(exportedDocument));
      files[`${prefix}${tableName}/generated_schema.jsonl`] = strToU8(`${JSON.stringify("uniform")}\n`);
    }
    if (options.includeStorage)
      storage.push({ componentPath, prefix, documents: data.documents(componentPath, "_storage").sort(byId) });
  }
  for (const { componentPath, prefix, documents } of storage) {
    const metadata: Value[] = [];
    for (const document of documents) {
      const id = String(document._id);
      const bytes = await data.fileBytes(componentPath, id);
      if (bytes === null) continue;
      const contentType = typeof document.contentType === "string" ? document.contentType : null;
      metadata.push({
        _id: id,
        _creationTime: document._creationTime as number,
        sha256: String(document.sha256),
        size: BigInt(bytes.length),
        contentType,
      });
      const extension = contentType === null ? undefined : EXTENSIONS[contentType.split(";")[0]!.trim()];
      files[`${prefix}_storage/${id}${extension ? `.${extension}` : ""}`] = bytes;
    }
    files[`${prefix}_storage/documents.jsonl`] = jsonLines(metadata);
  }
  return zipSync(files, { level: 6 });
}
