/**
 * Writing documents and files into an open convex-test transaction directly,
 * for the CLI's snapshot import: a restored document keeps its `_id` and
 * `_creationTime`, and a restored file its `_storage` id, which no `ctx.db`
 * call allows. The writes go into the transaction's top layer, so the commit
 * (and with it persistence, indexes and subscriptions) sees them like any other.
 */
import { fail } from "./fail.ts";
import { tableNameFromId } from "./table-name-from-id.ts";
import type { InternalDatabase, InternalDocument } from "./types.ts";

/** The `DatabaseFake` members used here beyond {@link InternalDatabase}. */
type WritableDatabase = InternalDatabase & {
  _generateId(tableName: string): string;
  _addWrite(id: string, document: InternalDocument | null): void;
  storeFile(storageId: string, blob: Blob): void;
};

function writable(db: InternalDatabase): WritableDatabase {
  const candidate = db as WritableDatabase;
  for (const method of ["_generateId", "_addWrite", "storeFile"] as const) {
    if (typeof candidate[method] !== "function") fail(`DatabaseFake.${method}() is missing`);
  }
  if (db._writes.length === 0) fail("admin writes need an open transaction (DatabaseFake._writes is empty)");
  return candidate;
}

/**
 * A fresh document id of `tableName` in convex-test's id format.
 *
 * @example
 * const id = newDocumentId(db, "messages"); // "000000000000000000010042messages"
 */
export function newDocumentId(db: InternalDatabase, tableName: string): string {
  return writable(db)._generateId(tableName);
}

/**
 * A creation time after every one handed out so far, as `db.insert` picks it.
 *
 * @example
 * const creationTime = nextCreationTime(db);
 */
export function nextCreationTime(db: InternalDatabase): number {
  const now = Date.now();
  const creationTime = now <= db._lastCreationTime ? db._lastCreationTime + 0.001 : now;
  db._lastCreationTime = creationTime;
  return creationTime;
}

/**
 * Stages `document` (with its own `_id` and `_creationTime`) as a write of the
 * open transaction. The id counter and the creation-time clock move past a
 * restored document, so later inserts never collide with it.
 *
 * @example
 * stageDocument(db, { _id: "000000000000000000010000messages", _creationTime: 1, body: "hi" });
 */
export function stageDocument(db: InternalDatabase, document: InternalDocument): void {
  const target = writable(db);
  const id = document._id;
  if (tableNameFromId(id) === null) fail(`"${id}" is not a convex-test document id`);
  const counter = Number(/^[0-9]+/.exec(id)?.[0] ?? "0");
  if (counter >= target._nextDocId) target._nextDocId = counter + 1;
  if (document._creationTime > target._lastCreationTime) target._lastCreationTime = document._creationTime;
  target._addWrite(id, document);
}

/**
 * Stages the deletion of document `id` (a `_storage` document takes its file along at commit).
 *
 * @example
 * stageDeletion(db, "000000000000000000010000messages");
 */
export function stageDeletion(db: InternalDatabase, id: string): void {
  writable(db)._addWrite(id, null);
}

/**
 * Stages the bytes of the file whose `_storage` document the same
 * transaction writes; they become readable when it commits.
 *
 * @example
 * stageFile(db, storageId, new Blob([bytes], { type: "text/plain" }));
 */
export function stageFile(db: InternalDatabase, storageId: string, blob: Blob): void {
  writable(db).storeFile(storageId, blob);
}
