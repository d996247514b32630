import { defineTable } from "convex/server";
import { v } from "convex/values";

/** The table holding one row per open (or committing) adapter transaction. */
export const TRANSACTION_TABLE = "adapterTransaction";

/** The table holding the undo entries that did not fit in their transaction row. */
export const UNDO_TABLE = "adapterTransactionUndo";

const undoFields = {
  table: v.string(),
  kind: v.union(v.literal("insert"), v.literal("patch"), v.literal("delete")),
  docId: v.string(),
  /** patch: the changed fields' old values; delete: the whole row. */
  before: v.optional(v.any()),
  /** patch: the values the write set, so undo leaves later writers' values alone. */
  after: v.optional(v.any()),
  /** patch: fields the row did not have before the write. */
  absent: v.optional(v.array(v.string())),
  /** The trigger that mirrors the undo (onDelete for an insert, …), if any. */
  triggerHandle: v.optional(v.string()),
};

/** One write's undo, stored inline in the transaction row or spilled to the undo table. */
export const vUndoEntry = v.object(undoFields);

/**
 * The component's bookkeeping tables for Better Auth transactions: a
 * transaction row (state, last write, its expiry job, the undo of its first
 * writes) and an undo table for transactions too large to keep inline. They
 * are not Better Auth models; the adapter functions refuse them as
 * `UNKNOWN_MODEL`. A component folder of your own (local install) spreads
 * them into its schema to get atomic Better Auth transactions.
 *
 * @example
 * ```ts
 * // convex/betterAuth/schema.ts
 * import { defineSchema } from "convex/server";
 * import { transactionTables } from "convex-better-auth";
 * import { tables } from "./generatedSchema";
 *
 * export default defineSchema({ ...tables, ...transactionTables });
 * ```
 */
export const transactionTables = {
  [TRANSACTION_TABLE]: defineTable({
    txnId: v.string(),
    /**
     * `provisional`: committed by the write its caller said was the last one,
     * with the undo kept until the timeout so the caller can still roll back
     * (and a further write reopens it).
     */
    state: v.union(v.literal("open"), v.literal("provisional"), v.literal("committed"), v.literal("rolledBack")),
    nextSeq: v.number(),
    lastWriteAt: v.number(),
    timeoutMs: v.number(),
    expiryJob: v.optional(v.id("_scheduled_functions")),
    /** The first writes' undo, inline: committing a sign-up reads one document. */
    undo: v.array(vUndoEntry),
    /** Bytes of `undo`, to spill before the row nears Convex's document size limit. */
    undoBytes: v.number(),
    /** Whether later writes' undo went to the undo table. */
    spilled: v.boolean(),
  }).index("txnId", ["txnId"]),
  [UNDO_TABLE]: defineTable({
    txnId: v.string(),
    seq: v.number(),
    ...undoFields,
  }).index("txnId_seq", ["txnId", "seq"]),
};

/**
 * Whether a schema's tables include the transaction bookkeeping tables, so
 * its component can journal Better Auth transactions.
 */
export function hasTransactionTables(tables: Record<string, unknown>): boolean {
  return TRANSACTION_TABLE in tables && UNDO_TABLE in tables;
}

/** Whether a table name is one of the transaction bookkeeping tables. */
export function isTransactionTable(name: string): boolean {
  return name === TRANSACTION_TABLE || name === UNDO_TABLE;
}
