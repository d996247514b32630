import {
  mutationGeneric,
  queryGeneric,
  type MutationBuilder,
  type QueryBuilder,
  type GenericDatabaseReader,
  type GenericDataModel,
  type GenericSchema,
  type SchemaDefinition,
} from "convex/server";
import { v } from "convex/values";
import { convexBetterAuthError } from "../shared/errors.js";
import { findFirst, getById, readFirstRows, readRows, selectFields, withAuthId } from "./read-rows.js";
import {
  describeSchema,
  requireFields,
  requireTable,
  type SchemaInfo,
  type TableInfo,
  type UniqueFields,
} from "./schema-info.js";
import { vBatchResult, vDoc, vPage, vSortBy, vWhere, type Where } from "./validators.js";
import { deleteRow, insertRow, patchRow } from "./write-rows.js";
import { createTransactionApi } from "./transaction-api.js";
import { vTransaction } from "./transaction-journal.js";
import { joinRows, vJoin } from "./join-rows.js";

// Component functions read tables the schema names at run time, so their
// ctx is typed for any data model rather than `any`.
const componentMutation = mutationGeneric as MutationBuilder<GenericDataModel, "public">;
const componentQuery = queryGeneric as QueryBuilder<GenericDataModel, "public">;

/** Rows a bulk write or a count handles per call; the client loops over pages. */
export const BATCH_SIZE = 1000;
const COUNT_PAGE_SIZE = 4096;

/** Also read up to `limit` rows of `model`, returned as `alsoRead` next to the row. */
const vAlsoRead = v.object({ model: v.string(), limit: v.number() });
const vPaginationOpts = v.object({ cursor: v.union(v.string(), v.null()), numItems: v.number() });
const vHandles = {
  onCreateHandle: v.optional(v.string()),
  onUpdateHandle: v.optional(v.string()),
  onDeleteHandle: v.optional(v.string()),
  transaction: v.optional(vTransaction),
  /** Transactions whose deferred commit rides on this write. */
  commit: v.optional(v.array(v.string())),
};

function checkWhere(table: TableInfo, where: readonly Where[] | undefined): readonly Where[] {
  const clauses = where ?? [];
  requireFields(
    table,
    clauses.map((clause) => clause.field),
  );
  return clauses.map((clause) => {
    const listOperator = clause.operator === "in" || clause.operator === "not_in";
    // As in SQL adapters, `in x` is `in [x]`.
    if (listOperator && !Array.isArray(clause.value)) return { ...clause, value: [clause.value] };
    if (!listOperator && Array.isArray(clause.value)) {
      throw convexBetterAuthError(
        "INVALID_ARGUMENT",
        `Operator "${clause.operator ?? "eq"}" on "${table.name}.${clause.field}" needs a single value, not an array.`,
        { model: table.name, field: clause.field },
      );
    }
    return clause;
  });
}

/**
 * Options for {@link createApi}. `uniqueFields` lists, per table, the fields
 * that must be unique besides `id` (a list of fields: unique together); pass
 * Better Auth options instead and they are read from `getAuthTables`.
 */
export type CreateApiOptions = {
  uniqueFields: UniqueFields;
  /** The module that exports these functions (default `"adapter"`); the transaction expiry job runs from it. */
  module?: string;
};

/**
 * Builds the component functions behind the Better Auth adapter for a
 * schema: `create`, `findOne`, `findMany`, `count`, `updateOne`,
 * `updateMany`, `deleteOne`, `deleteMany`, `consumeOne`, `incrementOne` and
 * `getSession` and `getAuthUser`. The built-in component exports these from its `adapter`
 * module; a component folder of your own exports them the same way.
 *
 * @example
 * ```ts
 * // convex/betterAuth/adapter.ts
 * import { createApi } from "convex-better-auth";
 * import schema from "./schema";
 * import { createAuthOptions } from "../auth";
 *
 * export const {
 *   create, findOne, findMany, count, updateOne, updateMany,
 *   deleteOne, deleteMany, consumeOne, incrementOne, getSession, getAuthUser,
 *   commitTransaction, rollbackTransaction, expireTransaction,
 * } = createApi(schema, createAuthOptions);
 * ```
 */
export function createComponentApi(schema: SchemaDefinition<GenericSchema, boolean>, options: CreateApiOptions) {
  let cached: SchemaInfo | undefined;
  // Described lazily: module load stays cheap when Convex analyzes the bundle.
  const info = () => (cached ??= describeSchema(schema, options.uniqueFields));
  const transactions = createTransactionApi(schema.tables, info, options.module ?? "adapter");
  const journal = transactions.journal;
  const commitDeferred = transactions.commitDeferred;

  /** The session row by Better Auth id, unless it has expired (revoked ones are gone). */
  async function liveSession(db: GenericDatabaseReader<GenericDataModel>, sessionId: string) {
    const table = requireTable(info(), "session");
    const session = await getById(db, table, sessionId);
    if (!session || typeof session.expiresAt !== "number" || session.expiresAt <= Date.now()) return null;
    return session;
  }

  /** Up to `limit` rows of another table, read in the same call (the adapter's jwks prefetch). */
  async function alsoRead(
    db: GenericDatabaseReader<GenericDataModel>,
    also: { model: string; limit: number } | undefined,
  ): Promise<Record<string, unknown>> {
    if (!also) return {};
    const rows = await readFirstRows(db, requireTable(info(), also.model), [], Math.max(1, Math.min(also.limit, 256)));
    return { alsoRead: rows.map(withAuthId) };
  }

  return {
    ...transactions.functions,

    create: componentMutation({
      args: {
        input: v.object({ model: v.string(), data: v.any() }),
        select: v.optional(v.array(v.string())),
        ...vHandles,
        alsoRead: v.optional(vAlsoRead),
      },
      returns: vDoc,
      handler: async (ctx, args) => {
        await commitDeferred(ctx, args.commit);
        const table = requireTable(info(), args.input.model);
        const doc = await insertRow(
          ctx,
          table,
          (args.input.data ?? {}) as Record<string, unknown>,
          args,
          await journal(ctx, args.transaction),
        );
        return { ...selectFields(table, doc, args.select), ...(await alsoRead(ctx.db, args.alsoRead)) };
      },
    }),

    findOne: componentQuery({
      args: {
        model: v.string(),
        where: v.optional(v.array(vWhere)),
        select: v.optional(v.array(v.string())),
        join: v.optional(vJoin),
        alsoRead: v.optional(vAlsoRead),
      },
      returns: v.union(vDoc, v.null()),
      handler: async (ctx, args) => {
        const table = requireTable(info(), args.model);
        const row = await findFirst(ctx.db, table, checkWhere(table, args.where));
        if (!row) return null;
        // Joined rows ride along whatever the selection, under their model's name.
        return {
          ...selectFields(table, row, args.select),
          ...(await joinRows(ctx.db, info(), row, args.join)),
          ...(await alsoRead(ctx.db, args.alsoRead)),
        };
      },
    }),

    findMany: componentQuery({
      args: {
        model: v.string(),
        where: v.optional(v.array(vWhere)),
        sortBy: v.optional(vSortBy),
        limit: v.optional(v.number()),
        offset: v.optional(v.number()),
        select: v.optional(v.array(v.string())),
        paginationOpts: v.optional(vPaginationOpts),
        join: v.optional(vJoin),
      },
      returns: vPage,
      handler: async (ctx, args) => {
        const table = requireTable(info(), args.model);
        if (args.sortBy) requireFields(table, [args.sortBy.field]);
        const numItems = Math.max(
          1,
          Math.min(args.paginationOpts?.numItems ?? args.limit ?? 100, args.limit ?? Infinity),
        );
        const page = await readRows(ctx.db, table, checkWhere(table, args.where), args.sortBy, {
          cursor: args.paginationOpts?.cursor ?? null,
          numItems,
          offset: args.offset,
        });
        return {
          page: await Promise.all(
            page.rows.map(async (row) => ({
              ...selectFields(table, row, args.select),
              ...(await joinRows(ctx.db, info(), row, args.join)),
            })),
          ),
          isDone: page.isDone,
          continueCursor: page.continueCursor,
        };
      },
    }),

    count: componentQuery({
      args: { model: v.string(), where: v.optional(v.array(vWhere)), paginationOpts: v.optional(vPaginationOpts) },
      returns: vBatchResult,
      handler: async (ctx, args) => {
        const table = requireTable(info(), args.model);
        const page = await readRows(ctx.db, table, checkWhere(table, args.where), undefined, {
          cursor: args.paginationOpts?.cursor ?? null,
          numItems: args.paginationOpts?.numItems ?? COUNT_PAGE_SIZE,
        });
        return { count: page.rows.length, isDone: page.isDone, continueCursor: page.continueCursor };
      },
    }),

    updateOne: componentMutation({
      args: {
        input: v.object({ model: v.string(), where: v.optional(v.array(vWhere)), update: v.any() }),
        ...vHandles,
      },
      returns: v.union(vDoc, v.null()),
      handler: async (ctx, args) => {
        await commitDeferred(ctx, args.commit);
        const table = requireTable(info(), args.input.model);
        const where = checkWhere(table, args.input.where);
        if (where.length === 0) return null;
        const row = await findFirst(ctx.db, table, where);
        if (!row) return null;
        return withAuthId(
          await patchRow(
            ctx,
            table,
            row,
            (args.input.update ?? {}) as Record<string, unknown>,
            args,
            await journal(ctx, args.transaction),
          ),
        );
      },
    }),

    updateMany: componentMutation({
      args: {
        input: v.object({ model: v.string(), where: v.optional(v.array(vWhere)), update: v.any() }),
        paginationOpts: v.optional(vPaginationOpts),
        ...vHandles,
      },
      returns: vBatchResult,
      handler: async (ctx, args) => {
        await commitDeferred(ctx, args.commit);
        const table = requireTable(info(), args.input.model);
        const page = await readRows(ctx.db, table, checkWhere(table, args.input.where), undefined, {
          cursor: args.paginationOpts?.cursor ?? null,
          numItems: args.paginationOpts?.numItems ?? BATCH_SIZE,
        });
        const log = page.rows.length > 0 ? await journal(ctx, args.transaction) : undefined;
        for (const row of page.rows)
          await patchRow(ctx, table, row, (args.input.update ?? {}) as Record<string, unknown>, args, log);
        return { count: page.rows.length, isDone: page.isDone, continueCursor: page.continueCursor };
      },
    }),

    deleteOne: componentMutation({
      args: { input: v.object({ model: v.string(), where: v.optional(v.array(vWhere)) }), ...vHandles },
      returns: v.union(vDoc, v.null()),
      handler: async (ctx, args) => {
        await commitDeferred(ctx, args.commit);
        const table = requireTable(info(), args.input.model);
        const where = checkWhere(table, args.input.where);
        if (where.length === 0) return null;
        const row = await findFirst(ctx.db, table, where);
        if (row) await deleteRow(ctx, table, row, args, await journal(ctx, args.transaction));
        return withAuthId(row);
      },
    }),

    deleteMany: componentMutation({
      args: {
        input: v.object({ model: v.string(), where: v.optional(v.array(vWhere)) }),
        paginationOpts: v.optional(vPaginationOpts),
        ...vHandles,
      },
      returns: vBatchResult,
      handler: async (ctx, args) => {
        await commitDeferred(ctx, args.commit);
        const table = requireTable(info(), args.input.model);
        // Deleted rows leave the index, so every batch starts from the top:
        // no cursor can skip a row that a previous batch did not delete.
        const page = await readRows(ctx.db, table, checkWhere(table, args.input.where), undefined, {
          cursor: null,
          numItems: args.paginationOpts?.numItems ?? BATCH_SIZE,
        });
        const log = page.rows.length > 0 ? await journal(ctx, args.transaction) : undefined;
        for (const row of page.rows) await deleteRow(ctx, table, row, args, log);
        return { count: page.rows.length, isDone: page.isDone, continueCursor: "" };
      },
    }),

    consumeOne: componentMutation({
      args: { input: v.object({ model: v.string(), where: v.array(vWhere) }), ...vHandles },
      returns: v.union(vDoc, v.null()),
      handler: async (ctx, args) => {
        await commitDeferred(ctx, args.commit);
        // Read and delete in one mutation: Convex serializes it against any
        // concurrent consumer, so exactly one caller gets the row.
        const table = requireTable(info(), args.input.model);
        const row = await findFirst(ctx.db, table, checkWhere(table, args.input.where));
        if (row) await deleteRow(ctx, table, row, args, await journal(ctx, args.transaction));
        return withAuthId(row);
      },
    }),

    incrementOne: componentMutation({
      args: {
        input: v.object({
          model: v.string(),
          where: v.array(vWhere),
          increment: v.record(v.string(), v.number()),
          set: v.optional(v.any()),
        }),
        ...vHandles,
      },
      returns: v.union(vDoc, v.null()),
      handler: async (ctx, args) => {
        await commitDeferred(ctx, args.commit);
        const table = requireTable(info(), args.input.model);
        const row = await findFirst(ctx.db, table, checkWhere(table, args.input.where));
        if (!row) return null;
        const update: Record<string, unknown> = { ...((args.input.set ?? {}) as Record<string, unknown>) };
        for (const [field, delta] of Object.entries(args.input.increment)) {
          const current = row[field];
          update[field] = (typeof current === "number" ? current : 0) + delta;
        }
        return withAuthId(await patchRow(ctx, table, row, update, args, await journal(ctx, args.transaction)));
      },
    }),

    getSession: componentQuery({
      args: { sessionId: v.string() },
      returns: v.union(vDoc, v.null()),
      handler: async (ctx, args) => await liveSession(ctx.db, args.sessionId),
    }),

    getAuthUser: componentQuery({
      args: { sessionId: v.string(), userId: v.optional(v.string()) },
      returns: v.union(vDoc, v.null()),
      handler: async (ctx, args) => {
        // Session and user in one query: one component call per getAuthUser.
        const session = await liveSession(ctx.db, args.sessionId);
        if (!session) return null;
        if (args.userId !== undefined && session.userId !== args.userId) return null;
        const users = requireTable(info(), "user");
        // As stored, like `ctx.db.get`: what the app's own queries would read.
        return await getById(ctx.db, users, session.userId);
      },
    }),
  };
}
