/**
 * Reporting every committed top-level transaction, from inside convex-test's
 * commit, so persistence writes it before the mutation's caller resumes.
 */
import { currentGlobal } from "./create-test-instance.ts";
import { fail } from "./fail.ts";
import { reportDatabaseReset } from "./hook-database-queries.ts";
import { tableNameFromId } from "./table-name-from-id.ts";
import type { InternalDatabase, InternalDocument, InternalTransactionManager } from "./types.ts";

/** The document changes of one component in one committed transaction. */
export type ComponentCommit = {
  componentPath: string;
  /** Document after the commit, or `null` when the transaction deleted it. */
  documents: {
    id: string;
    tableName: string;
    document: InternalDocument | null;
    /** The document before the commit, or `null` when the transaction created it (for index-range invalidation). */
    previous?: InternalDocument | null;
  }[];
  /** Files whose `_storage` document this transaction created. */
  files: { id: string; blob: Blob }[];
  nextDocId: number;
  lastCreationTime: number;
};

/** One committed top-level transaction. */
export type CommittedTransaction = { ts: bigint; components: ComponentCommit[] };

type PendingCommit = {
  componentPath: string;
  db: InternalDatabase;
  ids: string[];
  fileIds: string[];
  previous: Map<string, InternalDocument | null>;
  /** Bytes of files the transaction deletes, which the commit drops from `_storage`. */
  previousFiles: Map<string, Blob>;
};

/** Puts the committed documents and files of `pending` back as they were before the commit. */
function undoCommit(pending: PendingCommit[]): void {
  for (const { db, ids, previous, previousFiles } of pending) {
    if (ids.length === 0) continue;
    for (const id of ids) {
      const before = previous.get(id) ?? null;
      const tableName = tableNameFromId(id) ?? "";
      if (before === null) {
        delete db._documents[id];
        delete db._storage[id];
        db._tableIds.get(tableName)?.delete(id);
        continue;
      }
      db._documents[id] = before;
      let tableIds = db._tableIds.get(tableName);
      if (tableIds === undefined) db._tableIds.set(tableName, (tableIds = new Set()));
      tableIds.add(id);
      const file = previousFiles.get(id);
      if (file !== undefined) db._storage[id] = file;
    }
    // Indexes built from the committed documents saw the undone commit.
    reportDatabaseReset(db);
  }
}

/**
 * Calls `listener` synchronously after every top-level commit, inside
 * convex-test's commit, so it runs before the mutation's caller resumes.
 * Pending writes are read just before the commit applies them; the documents
 * are read back afterwards because only then are commit-ts placeholders resolved.
 *
 * A listener that throws refuses the commit (it could not be made durable):
 * the commit is undone in memory, so memory keeps matching what was
 * persisted. convex-test still sees a commit (throwing into it would break
 * its transaction state), so the listener reports the failure to the caller
 * itself.
 *
 * @example
 * hookCommits(instance.global.transactionManager, (commit) => store.write(commit));
 */
export function hookCommits(
  transactionManager: InternalTransactionManager,
  listener: (commit: CommittedTransaction) => void,
): void {
  const original = transactionManager.commit;
  transactionManager.commit = function commitAndReport(this: InternalTransactionManager, isNested: boolean) {
    if (isNested) return original.call(this, isNested);
    const global = currentGlobal();
    if (global === undefined) fail("TransactionManager.commit() ran outside convex-test's AsyncLocalStorage");
    const pending: PendingCommit[] = Object.entries(global.components).map(([componentPath, { db }]) => {
      const ids = Object.keys(db._writes.at(-1) ?? {});
      return {
        componentPath,
        db,
        ids,
        fileIds: [...(db._pendingFiles.at(-1)?.keys() ?? [])],
        // `_documents` still holds the committed versions until `original` applies the writes.
        previous: new Map(ids.map((id) => [id, db._documents[id] ?? null])),
        previousFiles: new Map(
          ids.flatMap((id) => (db._storage[id] === undefined ? [] : [[id, db._storage[id]] as const])),
        ),
      };
    });
    const ts = original.call(this, isNested);
    if (ts === null) fail("TransactionManager.commit(false) returned no commit timestamp");
    const components: ComponentCommit[] = [];
    for (const { componentPath, db, ids, fileIds, previous } of pending) {
      if (ids.length === 0) continue;
      components.push({
        componentPath,
        documents: ids.map((id) => ({
          id,
          tableName: tableNameFromId(id) ?? "",
          document: db._documents[id] ?? null,
          previous: previous.get(id) ?? null,
        })),
        files: fileIds.flatMap((id) => (db._storage[id] === undefined ? [] : [{ id, blob: db._storage[id] }])),
        nextDocId: db._nextDocId,
        lastCreationTime: db._lastCreationTime,
      });
    }
    try {
      listener({ ts, components });
    } catch {
      undoCommit(pending);
    }
    return ts;
  };
}
