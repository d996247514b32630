/**
 * The engine's data as the CLI's admin tools see it (`npx convex data`,
 * `export`, `import`): committed documents and files of every component, read
 * outside any function, and one-transaction writes that keep the ids and
 * creation times they are given. Writes commit through convex-test like a
 * mutation, so persistence, indexes and subscriptions see them as usual.
 */
import {
  databaseSchema,
  fileDigest,
  newDocumentId,
  nextCreationTime,
  stageDeletion,
  stageDocument,
  stageFile,
  tableDocuments,
  tableNameFromId,
  validateDocument,
  type CapturedInstance,
  type InternalDatabase,
  type InternalDocument,
} from "./convex-test-internals.ts";
import type { FileBytesBySha } from "./observe-syscalls.ts";
import { withRunContext } from "./run-context.ts";

/** Writes of one admin transaction; every method throws on a bad argument, which aborts the transaction. */
export type AdminWriter = {
  /** Throws convex-test's validation error when `fields` (no `_id`/`_creationTime`) don't fit the table's schema. */
  validate(componentPath: string, tableName: string, fields: Record<string, unknown>): void;
  /** A fresh id of `tableName`. */
  newId(componentPath: string, tableName: string): string;
  /** A creation time after every one handed out so far. */
  newCreationTime(componentPath: string): number;
  /** Writes `document` under its own `_id` (which must be an id of its table), replacing any document there. */
  put(componentPath: string, document: InternalDocument): void;
  /** Deletes the document `id` (a `_storage` document takes its file along). */
  delete(componentPath: string, id: string): void;
  /** Writes a file and its `_storage` document under `id`. */
  putFile(
    componentPath: string,
    file: { id: string; creationTime: number; bytes: Uint8Array; contentType: string | null },
  ): void;
};

/** See the module comment. */
export type AdminData = {
  /** The component paths of the deployment being served (`""` first); `[]` before the first push. */
  componentPaths(): string[];
  /** The tables of a component that its schema defines or that hold documents, user and system tables alike. */
  tableNames(componentPath: string): string[];
  /** The committed documents of a table, in no particular order (`[]` for an unknown component or table). */
  documents(componentPath: string, tableName: string): InternalDocument[];
  /** The bytes of a committed file, or null. */
  fileBytes(componentPath: string, storageId: string): Promise<Uint8Array | null>;
  /** Whether `id` is a document id of `tableName` in this engine's id format. */
  isDocumentId(tableName: string, id: string): boolean;
  /** Runs `body` as one transaction, committed durably when it resolves and rolled back when it throws. */
  transact(body: (writer: AdminWriter) => void | Promise<void>): Promise<void>;
};

/**
 * {@link AdminData} over the engine's active convex-test instance.
 *
 * @example
 * const data = createAdminData({ instance: () => active?.instance ?? null, fileBytes });
 * data.documents("", "messages").length;
 */
export function createAdminData(options: {
  /** The instance serving the current deployment, or null (before the first push, after close). */
  instance: () => CapturedInstance | null;
  /** Where the commit hook finds the bytes of files a transaction stored. */
  fileBytes: FileBytesBySha;
}): AdminData {
  const databaseOf = (componentPath: string): InternalDatabase | null =>
    options.instance()?.global.components[componentPath]?.db ?? null;

  const requireDatabase = (componentPath: string): InternalDatabase => {
    const db = databaseOf(componentPath);
    if (db === null) throw new Error(`There is no component at path "${componentPath}" in this deployment.`);
    return db;
  };

  const writer: AdminWriter = {
    validate(componentPath, tableName, fields) {
      validateDocument(requireDatabase(componentPath), tableName, fields);
    },
    newId: (componentPath, tableName) => newDocumentId(requireDatabase(componentPath), tableName),
    newCreationTime: (componentPath) => nextCreationTime(requireDatabase(componentPath)),
    put(componentPath, document) {
      stageDocument(requireDatabase(componentPath), document);
    },
    delete(componentPath, id) {
      stageDeletion(requireDatabase(componentPath), id);
    },
    putFile(componentPath, { id, creationTime, bytes, contentType }) {
      const db = requireDatabase(componentPath);
      const sha256 = fileDigest(bytes);
      // The commit hook persists a file's bytes by the digest in its `_storage` document.
      options.fileBytes.set(sha256, bytes);
      stageDocument(db, {
        _id: id,
        _creationTime: creationTime,
        sha256,
        size: bytes.length,
        ...(contentType !== null ? { contentType } : {}),
      });
      stageFile(db, id, new Blob([new Uint8Array(bytes)], contentType !== null ? { type: contentType } : {}));
    },
  };

  return {
    componentPaths() {
      const components = options.instance()?.global.components ?? {};
      return Object.keys(components).sort((a, b) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b)));
    },
    tableNames(componentPath) {
      const db = databaseOf(componentPath);
      if (db === null) return [];
      const names = new Set(databaseSchema(db)?.tables.keys() ?? []);
      for (const [name, ids] of db._tableIds) if (ids.size > 0) names.add(name);
      return [...names].sort();
    },
    documents(componentPath, tableName) {
      const db = databaseOf(componentPath);
      return db === null ? [] : [...tableDocuments(db, tableName)];
    },
    async fileBytes(componentPath, storageId) {
      const blob = databaseOf(componentPath)?._storage[storageId];
      return blob === undefined ? null : new Uint8Array(await blob.arrayBuffer());
    },
    isDocumentId: (tableName, id) => tableNameFromId(id) === tableName,
    async transact(body) {
      const instance = options.instance();
      if (instance === null) throw new Error("Nothing is deployed yet: push your functions (npx convex dev) first.");
      const { context, outcome } = await withRunContext(() =>
        instance.t.runInComponent("", async () => {
          await body(writer);
        }),
      );
      if (!outcome.ok) throw outcome.error;
      if (context.persistError !== null) {
        throw new Error(`convex-local could not write to its store: ${String(context.persistError)}`);
      }
    },
  };
}
