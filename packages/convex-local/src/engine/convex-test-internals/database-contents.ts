/**
 * Reading and replacing the committed contents of a convex-test database
 * outside a transaction: restoring persisted state, emptying it on close,
 * listing a table.
 */
import { reportDatabaseReset } from "./hook-database-queries.ts";
import type { InternalDatabase, InternalDocument, InternalTransactionManager } from "./types.ts";

/** Persisted state of one component, as convex-test values. */
export type DatabaseContents = {
  documents: { tableName: string; document: InternalDocument }[];
  files: { id: string; blob: Blob }[];
  nextDocId: number;
  lastCreationTime: number;
};

/**
 * Fills a fresh component database with persisted documents, files and id
 * counters. The counter never goes below an id already in use.
 *
 * @example
 * loadDatabase(instance.global.components[""].db, contents);
 */
export function loadDatabase(db: InternalDatabase, contents: DatabaseContents): void {
  let nextDocId = Math.max(db._nextDocId, contents.nextDocId);
  for (const { tableName, document } of contents.documents) {
    db._documents[document._id] = document;
    let ids = db._tableIds.get(tableName);
    if (ids === undefined) {
      ids = new Set();
      db._tableIds.set(tableName, ids);
    }
    ids.add(document._id);
    const counter = Number(/^[0-9]+/.exec(document._id)?.[0] ?? "0");
    nextDocId = Math.max(nextDocId, counter + 1);
  }
  for (const { id, blob } of contents.files) db._storage[id] = blob;
  db._nextDocId = nextDocId;
  db._lastCreationTime = Math.max(db._lastCreationTime, contents.lastCreationTime);
  // The documents changed without a commit: nothing derived from the old ones holds.
  reportDatabaseReset(db);
}

/**
 * Empties a database so convex-test timers that outlive `close()` find no job
 * to run (convex-test keeps no handles to cancel them).
 *
 * @example
 * clearDatabase(db);
 */
export function clearDatabase(db: InternalDatabase): void {
  db._documents = {};
  db._tableIds = new Map();
  db._storage = {};
  reportDatabaseReset(db);
}

/**
 * Moves the commit clock forward to at least `ts` (restored from disk).
 *
 * @example
 * advanceCommitTs(tm, 1700000000000000000n);
 */
export function advanceCommitTs(transactionManager: InternalTransactionManager, ts: bigint): void {
  if (ts > transactionManager._lastCommitTs) transactionManager._lastCommitTs = ts;
}

/**
 * The committed documents of one table.
 *
 * @example
 * for (const job of tableDocuments(db, "_scheduled_functions")) console.log(job.state);
 */
export function* tableDocuments(db: InternalDatabase, tableName: string): Iterable<InternalDocument> {
  for (const id of db._tableIds.get(tableName) ?? []) {
    const document = db._documents[id];
    if (document !== undefined) yield document;
  }
}
