/**
 * The engine's durable state in `<dataDir>/engine.sqlite` (Node's built-in
 * `node:sqlite`, WAL, `synchronous = FULL`): every component's documents and
 * files, id counters, the last commit ts, the deployment JWT key and cron
 * progress. Each committed Convex transaction is one SQLite transaction.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { convexToJson, jsonToConvex, type Value } from "convex/values";
import type { CommittedTransaction, DatabaseContents, InternalDocument } from "./convex-test-internals.ts";

const SCHEMA_VERSION = "1";

/** Document bytes of files stored in the transaction, keyed by `_storage` id. */
export type FileBytes = (
  componentPath: string,
  storageId: string,
) => { bytes: Uint8Array; contentType: string | null } | null;

/** Persisted progress of one cron job. */
export type CronRow = { identifier: string; spec: string; nextRunMs: number };

/** A document as stored, before decoding. */
export type StoredDocument = { componentPath: string; tableName: string; id: string; document: InternalDocument };

/** The SQLite-backed store; see the module comment. */
export type EngineStore = {
  /**
   * Writes one committed transaction atomically and durably; `alsoWrite`
   * runs inside the same SQLite transaction (`mutation-dedup-store.ts`).
   */
  writeCommit(commit: CommittedTransaction, fileBytes: FileBytes, alsoWrite?: (() => void) | null): void;
  /** The connection, for tables kept beside the documents (`mutation-dedup-store.ts`). */
  readonly database: DatabaseSync;
  readComponent(componentPath: string): DatabaseContents;
  /** Every document of a component, decoded. */
  documents(componentPath: string): Iterable<StoredDocument>;
  lastCommitTs(): bigint;
  readMeta(key: string): string | null;
  writeMeta(key: string, value: string): void;
  /** Where a job scheduled into another component runs (see `create-engine.ts`). */
  scheduledTarget(componentPath: string, jobId: string): string | null;
  writeScheduledTarget(componentPath: string, jobId: string, targetComponentPath: string): void;
  cronRows(): CronRow[];
  writeCron(row: CronRow): void;
  deleteCron(identifier: string): void;
  close(): void;
};

/**
 * Opens (creating if needed) the engine store in `dataDir`.
 *
 * @example
 * const store = openEngineStore("/tmp/data");
 * store.lastCommitTs(); // 0n on a new store
 */
export function openEngineStore(dataDir: string): EngineStore {
  mkdirSync(dataDir, { recursive: true });
  const db = new DatabaseSync(path.join(dataDir, "engine.sqlite"));
  db.exec("PRAGMA journal_mode = WAL");
  // FULL fsyncs the WAL on every commit: an acknowledged mutation survives power loss, not just kill -9.
  db.exec("PRAGMA synchronous = FULL");
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS components (
      component_path TEXT PRIMARY KEY,
      next_doc_id INTEGER NOT NULL,
      last_creation_time REAL NOT NULL
    );
    CREATE TABLE IF NOT EXISTS documents (
      component_path TEXT NOT NULL,
      table_name TEXT NOT NULL,
      id TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (component_path, table_name, id)
    );
    CREATE TABLE IF NOT EXISTS files (
      component_path TEXT NOT NULL,
      id TEXT NOT NULL,
      content_type TEXT,
      data BLOB NOT NULL,
      PRIMARY KEY (component_path, id)
    );
    CREATE TABLE IF NOT EXISTS scheduled_targets (
      component_path TEXT NOT NULL,
      job_id TEXT NOT NULL,
      target_component_path TEXT NOT NULL,
      PRIMARY KEY (component_path, job_id)
    );
    CREATE TABLE IF NOT EXISTS crons (identifier TEXT PRIMARY KEY, spec TEXT NOT NULL, next_run_ms REAL NOT NULL);
  `);
  const version = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
    { value: string } | undefined;
  if (version === undefined) {
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(SCHEMA_VERSION);
  } else if (version.value !== SCHEMA_VERSION) {
    throw new Error(
      `${dataDir}/engine.sqlite has store version ${version.value}; this convex-local reads version ${SCHEMA_VERSION}`,
    );
  }

  const upsertDocument = db.prepare(
    "INSERT INTO documents (component_path, table_name, id, value) VALUES (?, ?, ?, ?) " +
      "ON CONFLICT (component_path, table_name, id) DO UPDATE SET value = excluded.value",
  );
  const deleteDocument = db.prepare("DELETE FROM documents WHERE component_path = ? AND table_name = ? AND id = ?");
  const upsertFile = db.prepare(
    "INSERT OR REPLACE INTO files (component_path, id, content_type, data) VALUES (?, ?, ?, ?)",
  );
  // node:sqlite binds a zero-length Uint8Array over an empty ArrayBuffer (an empty Blob's bytes) as NULL.
  const upsertEmptyFile = db.prepare(
    "INSERT OR REPLACE INTO files (component_path, id, content_type, data) VALUES (?, ?, ?, X'')",
  );
  const deleteFile = db.prepare("DELETE FROM files WHERE component_path = ? AND id = ?");
  const upsertComponent = db.prepare(
    "INSERT INTO components (component_path, next_doc_id, last_creation_time) VALUES (?, ?, ?) " +
      "ON CONFLICT (component_path) DO UPDATE SET next_doc_id = excluded.next_doc_id, " +
      "last_creation_time = excluded.last_creation_time",
  );
  const upsertMeta = db.prepare(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  const selectMeta = db.prepare("SELECT value FROM meta WHERE key = ?");
  const selectDocuments = db.prepare("SELECT table_name, id, value FROM documents WHERE component_path = ?");
  const selectFiles = db.prepare("SELECT id, content_type, data FROM files WHERE component_path = ?");
  const selectComponent = db.prepare("SELECT next_doc_id, last_creation_time FROM components WHERE component_path = ?");

  function transaction(body: () => void): void {
    db.exec("BEGIN IMMEDIATE");
    try {
      body();
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }

  function readMeta(key: string): string | null {
    return (selectMeta.get(key) as { value: string } | undefined)?.value ?? null;
  }

  function* documents(componentPath: string): Iterable<StoredDocument> {
    for (const row of selectDocuments.iterate(componentPath) as Iterable<{
      table_name: string;
      id: string;
      value: string;
    }>) {
      yield {
        componentPath,
        tableName: row.table_name,
        id: row.id,
        document: jsonToConvex(JSON.parse(row.value)) as InternalDocument,
      };
    }
  }

  return {
    database: db,
    writeCommit(commit, fileBytes, alsoWrite) {
      transaction(() => {
        for (const component of commit.components) {
          for (const { id, tableName, document } of component.documents) {
            if (document === null) {
              deleteDocument.run(component.componentPath, tableName, id);
              if (tableName === "_storage") deleteFile.run(component.componentPath, id);
            } else {
              upsertDocument.run(
                component.componentPath,
                tableName,
                id,
                JSON.stringify(convexToJson(document as Value)),
              );
            }
          }
          for (const file of component.files) {
            const bytes = fileBytes(component.componentPath, file.id);
            if (bytes === null) {
              // Failing the commit would stop the whole backend over one file; lose the file, loudly.
              console.warn(`convex-local did not see the bytes of file ${file.id}; it will be missing after a restart`);
              continue;
            }
            if (bytes.bytes.length === 0) upsertEmptyFile.run(component.componentPath, file.id, bytes.contentType);
            else upsertFile.run(component.componentPath, file.id, bytes.contentType, bytes.bytes);
          }
          upsertComponent.run(component.componentPath, component.nextDocId, component.lastCreationTime);
        }
        upsertMeta.run("last_commit_ts", commit.ts.toString());
        alsoWrite?.();
      });
    },
    readComponent(componentPath) {
      const counters = selectComponent.get(componentPath) as
        { next_doc_id: number; last_creation_time: number } | undefined;
      const files = (
        selectFiles.all(componentPath) as { id: string; content_type: string | null; data: Uint8Array }[]
      ).map((row) => ({
        id: row.id,
        blob: new Blob([new Uint8Array(row.data)], row.content_type === null ? {} : { type: row.content_type }),
      }));
      return {
        documents: [...documents(componentPath)].map(({ tableName, document }) => ({ tableName, document })),
        files,
        nextDocId: counters?.next_doc_id ?? 0,
        lastCreationTime: counters?.last_creation_time ?? 0,
      };
    },
    documents,
    lastCommitTs() {
      return BigInt(readMeta("last_commit_ts") ?? "0");
    },
    readMeta,
    writeMeta(key, value) {
      upsertMeta.run(key, value);
    },
    scheduledTarget(componentPath, jobId) {
      const row = db
        .prepare("SELECT target_component_path FROM scheduled_targets WHERE component_path = ? AND job_id = ?")
        .get(componentPath, jobId) as { target_component_path: string } | undefined;
      return row?.target_component_path ?? null;
    },
    writeScheduledTarget(componentPath, jobId, targetComponentPath) {
      db.prepare(
        "INSERT OR REPLACE INTO scheduled_targets (component_path, job_id, target_component_path) VALUES (?, ?, ?)",
      ).run(componentPath, jobId, targetComponentPath);
    },
    cronRows() {
      return (
        db.prepare("SELECT identifier, spec, next_run_ms FROM crons").all() as {
          identifier: string;
          spec: string;
          next_run_ms: number;
        }[]
      ).map((row) => ({ identifier: row.identifier, spec: row.spec, nextRunMs: row.next_run_ms }));
    },
    writeCron(row) {
      db.prepare("INSERT OR REPLACE INTO crons (identifier, spec, next_run_ms) VALUES (?, ?, ?)").run(
        row.identifier,
        row.spec,
        row.nextRunMs,
      );
    },
    deleteCron(identifier) {
      db.prepare("DELETE FROM crons WHERE identifier = ?").run(identifier);
    },
    close() {
      db.close();
    },
  };
}
