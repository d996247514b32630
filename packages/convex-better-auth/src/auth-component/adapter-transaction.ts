import type { AuthComponentApi, FullComponentApi, RunCtx } from "./types.js";

/**
 * How long a Better Auth transaction may go without a write before the
 * component rolls it back. Sign-up's slowest step between writes is password
 * hashing or sending an email, well under a minute.
 */
export const DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

/** One Better Auth transaction as the adapter tracks it across component calls. */
export type TransactionState = {
  id: string;
  timeoutMs: number;
  /** A write was sent, whatever came of it: commit or rollback must run. */
  attempted: boolean;
  /** The last write committed it provisionally; no commit call is needed. */
  provisional: boolean;
};

/** A fresh transaction; its row in the component appears with its first write. */
export function newTransaction(timeoutMs: number): TransactionState {
  return { id: crypto.randomUUID(), timeoutMs, attempted: false, provisional: false };
}

/** The `transaction` argument of one write, with the trigger that mirrors its undo. */
export function transactionArg(tx: TransactionState, undoHandle: string | undefined, lastWrite = false) {
  return {
    id: tx.id,
    timeoutMs: tx.timeoutMs,
    ...(undoHandle ? { undoHandle } : {}),
    ...(lastWrite ? { lastWrite } : {}),
  };
}

async function repeat(step: () => Promise<{ isDone: boolean }>) {
  while (!(await step()).isDone);
}

/**
 * Runs Better Auth's transaction callback with journaled writes: on success
 * the component forgets the undo entries, on a throw it undoes the writes
 * newest first. If this process dies in between, the component's expiry job
 * rolls back once no write has come for the timeout.
 */
export async function runJournaledTransaction<R>(
  ctx: RunCtx,
  component: AuthComponentApi,
  tx: TransactionState,
  callback: () => Promise<R>,
  /** Takes the commit over (deferred commits, shared/deferred-commits.ts) instead of committing now. */
  deferCommit?: (id: string) => void,
): Promise<R> {
  const api = (component as FullComponentApi).adapter;
  const mutate = ctx.runMutation!;
  let result: R;
  try {
    result = await callback();
  } catch (error) {
    if (tx.attempted) {
      try {
        await repeat(() => mutate(api.rollbackTransaction, { id: tx.id }));
      } catch (rollbackError) {
        // The expiry job rolls back later; the caller's error matters more.
        console.error("convex-better-auth: rollback failed; the transaction expires instead", rollbackError);
      }
    }
    throw error;
  }
  if (tx.attempted && !tx.provisional) {
    if (deferCommit) deferCommit(tx.id);
    else await commitTransactionNow(ctx, component, tx.id);
  }
  return result;
}

/**
 * Commits a transaction with its own component calls (one, or a few for a
 * long journal).
 *
 * @example
 * ```ts
 * await commitTransactionNow(ctx, component, tx.id);
 * ```
 */
export async function commitTransactionNow(ctx: RunCtx, component: AuthComponentApi, id: string): Promise<void> {
  const api = (component as FullComponentApi).adapter;
  await repeat(() => ctx.runMutation!(api.commitTransaction, { id }));
}
