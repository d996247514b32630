import {
  internalMutationGeneric,
  mutationGeneric,
  type GenericDataModel,
  type GenericMutationCtx,
  type MutationBuilder,
} from "convex/server";
import { v } from "convex/values";
import type { SchemaInfo } from "./schema-info.js";
import { commitTransaction, expireTransaction, rollbackTransaction } from "./transaction-finish.js";
import { openJournal, type Journal, type TransactionArg } from "./transaction-journal.js";
import { hasTransactionTables } from "./transaction-tables.js";

// Component functions read tables the schema names at run time, so their
// ctx is typed for any data model rather than `any`.
const componentMutation = mutationGeneric as MutationBuilder<GenericDataModel, "public">;
const componentInternalMutation = internalMutationGeneric as MutationBuilder<GenericDataModel, "internal">;

const vStep = v.object({ isDone: v.boolean() });

/**
 * The transaction half of the component API: `commitTransaction`,
 * `rollbackTransaction` and the scheduled `expireTransaction`, plus the
 * journal the write functions use. Without the transaction tables in the
 * schema (an older local install) writes are not journaled and commit and
 * rollback have nothing to do.
 *
 * @param module The component module that exports these functions, so the
 *   expiry job can find `expireTransaction` (`"adapter"` by convention).
 * @example
 * ```ts
 * const tx = createTransactionApi(schema, info, "adapter");
 * const journal = await tx.journal(ctx, args.transaction);
 * ```
 */
export function createTransactionApi(tables: Record<string, unknown>, info: () => SchemaInfo, module: string) {
  const enabled = hasTransactionTables(tables);

  return {
    enabled,

    /** The journal for a write, or undefined outside a transaction. */
    journal: async (
      ctx: GenericMutationCtx<GenericDataModel>,
      tx: TransactionArg | undefined,
    ): Promise<Journal | undefined> => (enabled && tx ? await openJournal(ctx, tx, module) : undefined),

    /**
     * Commits transactions whose commit rides on this write (deferred by the
     * adapter while `registerRoutes` serves a request), in the write's own
     * mutation. One step each: a spilled journal is marked committed and the
     * expiry job drops the rest.
     */
    commitDeferred: async (
      ctx: GenericMutationCtx<GenericDataModel>,
      ids: readonly string[] | undefined,
    ): Promise<void> => {
      if (!enabled || !ids) return;
      for (const id of ids) await commitTransaction(ctx, id);
    },

    functions: {
      commitTransaction: componentMutation({
        args: { id: v.string() },
        returns: vStep,
        handler: async (ctx, args) => (enabled ? await commitTransaction(ctx, args.id) : { isDone: true }),
      }),

      rollbackTransaction: componentMutation({
        args: { id: v.string() },
        returns: vStep,
        handler: async (ctx, args) => (enabled ? await rollbackTransaction(ctx, info(), args.id) : { isDone: true }),
      }),

      expireTransaction: componentInternalMutation({
        args: { id: v.string() },
        returns: v.null(),
        handler: async (ctx, args) => {
          if (enabled) await expireTransaction(ctx, info(), args.id, module);
          return null;
        },
      }),
    },
  };
}
