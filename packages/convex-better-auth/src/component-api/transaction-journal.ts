import type { GenericId } from "convex/values";
import {
  makeFunctionReference,
  type FunctionHandle,
  type GenericDataModel,
  type GenericMutationCtx,
} from "convex/server";
import { convexToJson, v, type Infer, type Value } from "convex/values";
import { convexBetterAuthError } from "../shared/errors.js";
import { TRANSACTION_TABLE, UNDO_TABLE, type vUndoEntry } from "./transaction-tables.js";

type Ctx = GenericMutationCtx<GenericDataModel>;
type Row = Record<string, unknown> & { _id: string; _creationTime: number };

/** One write's undo. */
// `before`/`after` are stored as `v.any()` (documents may hold any field);
// they are always field-to-value records.
export type UndoEntry = Omit<Infer<typeof vUndoEntry>, "before" | "after"> & {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
};

/** Undo entries kept inline in the transaction row before spilling to the undo table. */
export const INLINE_UNDO_ENTRIES = 32;

/** Bytes of inline undo before spilling: far below Convex's 1 MiB document limit. */
export const INLINE_UNDO_BYTES = 256 * 1024;

/** The transaction a write belongs to. */
export const vTransaction = v.object({
  id: v.string(),
  timeoutMs: v.number(),
  /** The trigger that mirrors this write's undo (onDelete for a create, …). */
  undoHandle: v.optional(v.string()),
  /**
   * The caller expects no further write in this transaction: commit with this
   * write, keeping the undo until the timeout in case the caller still throws.
   */
  lastWrite: v.optional(v.boolean()),
});

/** See {@link vTransaction}. */
export type TransactionArg = Infer<typeof vTransaction>;

/** Records the undo of each write a component function makes inside a transaction. */
export type Journal = {
  inserted(table: string, docId: string): Promise<void>;
  patched(table: string, row: Row, values: Record<string, unknown>): Promise<void>;
  deleted(table: string, row: Row): Promise<void>;
};

/** A row of the transaction table. */
export type TransactionRow = {
  _id: GenericId<string>;
  txnId: string;
  state: "open" | "provisional" | "committed" | "rolledBack";
  nextSeq: number;
  lastWriteAt: number;
  timeoutMs: number;
  expiryJob?: string;
  undo: UndoEntry[];
  undoBytes: number;
  spilled: boolean;
};

/** Where the transaction's expiry job runs: `<module>:expireTransaction`. */
export function expiryReference(module: string) {
  return makeFunctionReference<"mutation", { id: string }>(`${module}:expireTransaction`);
}

/**
 * The transaction's row: null before its first write and after it finished;
 * `rolledBack` for a while after the expiry job undid it, so its caller's
 * late writes and commit fail instead of starting afresh.
 */
export async function transactionRow(ctx: Ctx, id: string): Promise<TransactionRow | null> {
  return (await ctx.db
    .query(TRANSACTION_TABLE)
    .withIndex("txnId", (q) => q.eq("txnId", id))
    .unique()) as TransactionRow | null;
}

/** The coded error for a write or commit of a transaction the expiry job rolled back. */
export function expired(id: string) {
  return convexBetterAuthError(
    "TRANSACTION_EXPIRED",
    "The Better Auth transaction went longer than its timeout without a write and was rolled back. " +
      "Retry the request.",
    { transactionId: id },
  );
}

const sizeOf = (entry: UndoEntry) => JSON.stringify(convexToJson(entry as Value)).length;

/**
 * Checks, before a write, that its transaction is still open, and returns the
 * journal that records the write's undo in the same Convex mutation. The
 * transaction row (and its expiry job) is created by the first write that
 * changes something, so reads and no-op writes cost nothing.
 *
 * The expiry job is what makes a transaction atomic across a crash: if the
 * caller (an HTTP action) dies before it commits, the job undoes every
 * journaled write once no write has come for `timeoutMs`.
 */
export async function openJournal(ctx: Ctx, tx: TransactionArg, module: string): Promise<Journal> {
  let row = await transactionRow(ctx, tx.id);
  // A write after a provisional commit reopens the transaction.
  if (row !== null && row.state !== "open" && row.state !== "provisional") throw expired(tx.id);
  const state = tx.lastWrite ? ("provisional" as const) : ("open" as const);

  async function record(fields: Omit<UndoEntry, "triggerHandle">) {
    const entry: UndoEntry = { ...fields, ...(tx.undoHandle ? { triggerHandle: tx.undoHandle } : {}) };
    const bytes = sizeOf(entry);
    const current = row ?? { nextSeq: 0, undo: [] as UndoEntry[], undoBytes: 0, spilled: false };
    const seq = current.nextSeq;
    const inline =
      !current.spilled && current.undo.length < INLINE_UNDO_ENTRIES && current.undoBytes + bytes <= INLINE_UNDO_BYTES;
    if (!inline) await ctx.db.insert(UNDO_TABLE, { txnId: tx.id, seq, ...entry } as never);
    const next = {
      state,
      nextSeq: seq + 1,
      lastWriteAt: Date.now(),
      ...(inline ? { undo: [...current.undo, entry], undoBytes: current.undoBytes + bytes } : { spilled: true }),
    };
    if (row === null) {
      // The first write creates the row with its entry in one insert: no read, no patch.
      const expiryJob = await ctx.scheduler.runAfter(tx.timeoutMs, expiryReference(module), { id: tx.id });
      const created = { txnId: tx.id, timeoutMs: tx.timeoutMs, expiryJob, ...current, ...next };
      row = { _id: await ctx.db.insert(TRANSACTION_TABLE, created as never), ...created };
    } else {
      await ctx.db.patch(row._id, next as never);
      row = { ...row, ...next };
    }
  }

  return {
    inserted: (table, docId) => record({ table, kind: "insert", docId }),
    patched: (table, old, values) => {
      const before: Record<string, unknown> = {};
      const absent: string[] = [];
      for (const field of Object.keys(values)) {
        if (field in old && old[field] !== undefined) before[field] = old[field];
        else absent.push(field);
      }
      return record({ table, kind: "patch", docId: old._id, before, after: values, absent });
    },
    deleted: (table, old) => {
      const { _id, _creationTime, ...before } = old;
      return record({ table, kind: "delete", docId: _id, before });
    },
  };
}

/** Runs a trigger by handle; rollback mirrors each undo to the app as a normal write would. */
export async function runTrigger(ctx: Ctx, handle: string | undefined, args: Record<string, unknown>) {
  if (handle) await ctx.runMutation(handle as FunctionHandle<"mutation">, args);
}
