/**
 * Reporting every committed top-level transaction, from inside convex-test's
 * commit, so persistence writes it before the mutation's caller resumes.
 */
import { currentGlobal } from "./create-test-instance.ts";
import { fail } from "./fail.ts";
import { tableNameFromId } from "./table-name-from-id.ts";
import type { InternalDocument, InternalTransactionManager } from "./types.ts";

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

/**
 * Calls `listener` synchronously after every top-level commit, inside
 * convex-test's commit, so it runs before the mutation's caller resumes.
 * Pending writes are read just before the commit applies them; the documents
 * are read back afterwards because only then are commit-ts placeholders resolved.
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
    const pending = Object.entries(global.components).map(([componentPath, { db }]) => ({
      componentPath,
      db,
      ids: Object.keys(db._writes.at(-1) ?? {}),
      fileIds: [...(db._pendingFiles.at(-1)?.keys() ?? [])],
      // `_documents` still holds the committed versions until `original` applies the writes.
      previous: new Map(Object.keys(db._writes.at(-1) ?? {}).map((id) => [id, db._documents[id] ?? null])),
    }));
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
    } catch (error) {
      // The commit already happened in memory; throwing into convex-test would leave its transaction state broken.
      console.error("A convex-test commit listener threw", error);
    }
    return ts;
  };
}
