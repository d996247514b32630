import type { GenericDataModel, GenericMutationCtx } from "convex/server";
import { convexToJson, type Value } from "convex/values";
import { isConvexBetterAuthError } from "../shared/errors.js";
import {
  expired,
  expiryReference,
  runTrigger,
  transactionRow,
  type TransactionRow,
  type UndoEntry,
} from "./transaction-journal.js";
import { UNDO_TABLE } from "./transaction-tables.js";
import type { SchemaInfo } from "./schema-info.js";
import { checkUnique } from "./write-rows.js";

type Ctx = GenericMutationCtx<GenericDataModel>;

/** Undo entries handled per mutation; a large `updateMany` rolls back over several. */
export const UNDO_BATCH = 256;

/**
 * How long the row of an expired transaction stays as `rolledBack`: longer
 * than any Convex action runs (10 minutes), so the caller that stalled past
 * the timeout learns its transaction is gone.
 */
export const ROLLED_BACK_RETENTION_MS = 15 * 60_000;

/** The result of one commit, rollback or cleanup step; the caller repeats until done. */
export type FinishStep = { isDone: boolean };

function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return JSON.stringify(convexToJson(a as Value)) === JSON.stringify(convexToJson(b as Value));
}

async function undoEntry(ctx: Ctx, info: SchemaInfo, entry: UndoEntry): Promise<void> {
  // A table a schema push removed has nothing left to undo.
  if (!info.has(entry.table)) return;
  const model = entry.table;
  if (entry.kind === "insert") {
    const doc = await ctx.db.get(entry.docId as never);
    if (!doc) return;
    await runTrigger(ctx, entry.triggerHandle, { model, doc });
    await ctx.db.delete(entry.docId as never);
    return;
  }
  if (entry.kind === "patch") {
    const doc = (await ctx.db.get(entry.docId as never)) as Record<string, unknown> | null;
    if (!doc) return;
    // Only fields that still hold what this transaction wrote go back: a
    // later writer's value is not ours to overwrite.
    const restore: Record<string, unknown> = {};
    for (const [field, written] of Object.entries(entry.after ?? {})) {
      if (!sameValue(doc[field], written)) continue;
      restore[field] = entry.absent?.includes(field) ? undefined : entry.before?.[field];
    }
    if (Object.keys(restore).length === 0) return;
    await ctx.db.patch(entry.docId as never, restore as never);
    const newDoc = await ctx.db.get(entry.docId as never);
    await runTrigger(ctx, entry.triggerHandle, { model, oldDoc: doc, newDoc });
    return;
  }
  const table = info.get(model)!;
  const values: Record<string, unknown> = { ...(entry.before ?? {}) };
  // Convex gives the restored row a new `_id`; where the table can store a
  // chosen id, the row keeps its Better Auth id (the old `_id`) there.
  if (values.id === undefined && table.idIndex) values.id = entry.docId;
  try {
    await checkUnique(ctx.db, table, values);
  } catch (error) {
    if (!isConvexBetterAuthError(error)) throw error;
    // Someone took the row's unique value since; keeping both would break
    // the constraint, so the newer row wins and the loss is logged.
    console.warn(`convex-better-auth: rollback could not restore a deleted "${model}" row: ${error.message}`);
    return;
  }
  const id = await ctx.db.insert(model, values as never);
  await runTrigger(ctx, entry.triggerHandle, { model, doc: await ctx.db.get(id) });
}

async function spilled(ctx: Ctx, id: string): Promise<(UndoEntry & { _id: string })[]> {
  return (await ctx.db
    .query(UNDO_TABLE)
    .withIndex("txnId_seq", (q) => q.eq("txnId", id))
    .order("desc")
    .take(UNDO_BATCH)) as unknown as (UndoEntry & { _id: string })[];
}

/**
 * Undoes the newest batch of writes: spilled entries first (they are the
 * newer ones), then the inline ones. True when nothing is left to undo.
 */
async function undoBatch(ctx: Ctx, info: SchemaInfo, row: TransactionRow): Promise<boolean> {
  if (row.spilled) {
    const batch = await spilled(ctx, row.txnId);
    for (const entry of batch) {
      await undoEntry(ctx, info, entry);
      await ctx.db.delete(entry._id as never);
    }
    if (batch.length === UNDO_BATCH) return false;
  }
  for (const entry of [...row.undo].reverse()) await undoEntry(ctx, info, entry);
  await ctx.db.patch(row._id, { undo: [], undoBytes: 0, spilled: false } as never);
  return true;
}

/** Forgets a batch of spilled entries of a committed transaction; true when none are left. */
async function dropBatch(ctx: Ctx, row: TransactionRow): Promise<boolean> {
  if (!row.spilled) return true;
  const batch = await spilled(ctx, row.txnId);
  for (const entry of batch) await ctx.db.delete(entry._id as never);
  return batch.length < UNDO_BATCH;
}

async function cancelExpiry(ctx: Ctx, job: unknown) {
  if (typeof job === "string") await ctx.scheduler.cancel(job as never);
}

/**
 * Commits: the writes stay, their undo entries go. A transaction with
 * spilled entries may need several steps; its state flips to `committed`
 * first, so a commit cut short by a crash is finished by the expiry job
 * instead of being rolled back.
 */
export async function commitTransaction(ctx: Ctx, id: string): Promise<FinishStep> {
  const row = await transactionRow(ctx, id);
  // No row: no write of this transaction changed anything.
  if (row === null) return { isDone: true };
  if (row.state === "rolledBack") throw expired(id);
  if (row.spilled && row.state !== "committed") await ctx.db.patch(row._id, { state: "committed" } as never);
  if (!(await dropBatch(ctx, row))) return { isDone: false };
  await cancelExpiry(ctx, row.expiryJob);
  await ctx.db.delete(row._id);
  return { isDone: true };
}

/**
 * Rolls back: undoes the journaled writes newest first. A provisional commit
 * still rolls back (its caller threw after what it took for the last write);
 * a committed transaction is left alone.
 */
export async function rollbackTransaction(ctx: Ctx, info: SchemaInfo, id: string): Promise<FinishStep> {
  const row = await transactionRow(ctx, id);
  if (row === null || (row.state !== "open" && row.state !== "provisional")) return { isDone: true };
  if (!(await undoBatch(ctx, info, row))) return { isDone: false };
  await cancelExpiry(ctx, row.expiryJob);
  await ctx.db.delete(row._id);
  return { isDone: true };
}

/**
 * The scheduled expiry: finishes a commit cut short, waits while writes keep
 * coming, and otherwise rolls the transaction back (its caller has died or
 * stalled past the timeout) or, when its last write committed it
 * provisionally, forgets the undo.
 */
export async function expireTransaction(ctx: Ctx, info: SchemaInfo, id: string, module: string): Promise<void> {
  const row = await transactionRow(ctx, id);
  if (row === null) return;
  const reschedule = async (delayMs: number) => {
    const expiryJob = await ctx.scheduler.runAfter(delayMs, expiryReference(module), { id });
    await ctx.db.patch(row._id, { expiryJob } as never);
  };
  if (row.state === "rolledBack") {
    await ctx.db.delete(row._id);
    return;
  }
  if (row.state === "committed") {
    if (await dropBatch(ctx, row)) await ctx.db.delete(row._id);
    else await reschedule(0);
    return;
  }
  const due = row.lastWriteAt + row.timeoutMs;
  if (due > Date.now()) return await reschedule(due - Date.now());
  if (row.state === "provisional") {
    await ctx.db.patch(row._id, { state: "committed" } as never);
    if (await dropBatch(ctx, row)) await ctx.db.delete(row._id);
    else await reschedule(0);
    return;
  }
  if (!(await undoBatch(ctx, info, row))) return await reschedule(0);
  await ctx.db.patch(row._id, { state: "rolledBack" } as never);
  await reschedule(ROLLED_BACK_RETENTION_MS);
}
