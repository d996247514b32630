/**
 * Telling a running transaction's pending writes from the committed
 * documents, for index ranges that merge both.
 */
import { tableNameFromId } from "./table-name-from-id.ts";
import type { InternalDatabase, InternalDocument } from "./types.ts";

/**
 * Ids of `tableName` written (inserted, changed or deleted) at any nesting
 * level of the running transaction.
 *
 * @example
 * pendingWriteIds(db, "messages"); // ["000000000000000000010041messages"]
 */
export function pendingWriteIds(db: InternalDatabase, tableName: string): string[] {
  const ids = new Set<string>();
  for (const level of db._writes) {
    for (const id of Object.keys(level)) if (tableNameFromId(id) === tableName) ids.add(id);
  }
  return [...ids];
}

/**
 * The committed version of a document, ignoring the running transaction's writes.
 *
 * @example
 * committedDocument(db, id)?._creationTime;
 */
export function committedDocument(db: InternalDatabase, id: string): InternalDocument | null {
  return db._documents[id] ?? null;
}
