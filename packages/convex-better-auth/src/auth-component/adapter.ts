import type { BetterAuthOptions } from "better-auth";
import { createAdapterFactory, type DBAdapterDebugLogOption, type JoinConfig } from "better-auth/adapters";
import {
  createFunctionHandle,
  type FunctionReference,
  type GenericDataModel,
  type GenericDocument,
  type GenericMutationCtx,
} from "convex/server";
import type { Where } from "../component-api/validators.js";
import { cleanData, cleanWhere, type IsDateField } from "./adapter-values.js";
import { createConvexAdapterSchema } from "./create-schema.js";
import {
  commitTransactionNow,
  DEFAULT_TRANSACTION_TIMEOUT_MS,
  newTransaction,
  runJournaledTransaction,
  transactionArg,
  type TransactionState,
} from "./adapter-transaction.js";
import { isExpiredCleanup, isExpiredRow, isSessionRefresh, writeInQueryCtxError } from "./query-ctx-writes.js";
import type { AuthComponentApi, FullComponentApi, RunCtx } from "./types.js";
import { withFallback } from "./optional-functions.js";
import { adapterError, functionLabel } from "./adapter-errors.js";
import { APIError } from "better-auth/api";
import { JWKS_PREFETCH_LIMIT, JWKS_PREFETCH_OPTION, type JwksPrefetch } from "../shared/jwks-prefetch.js";
import { DEFERRED_COMMITS_OPTION, type DeferredCommits, type FinalWrite } from "../shared/deferred-commits.js";
import { convexBetterAuthError } from "../shared/errors.js";

/** Largest page the adapter asks the component for in one call. */
const MAX_PAGE = 1000;

/** A document as the component returns it: Better Auth field names to stored values. */
type Row = Record<string, unknown>;

// Better Auth's adapter methods are generic in the row type they return; the
// component's documents have that shape by the schema, which TypeScript
// cannot see across the function reference. The cast happens here, once.
function asModelRow<T>(row: unknown): T {
  return row as T;
}

/** Fields every row has besides its Better Auth fields. */
const QUERY_SYSTEM_FIELDS = new Set(["id", "_id", "_creationTime"]);

/** Compare-and-set attempts of an increment through the basic functions. */
const MAX_INCREMENT_ATTEMPTS = 16;

const idClause = (id: unknown): Where => ({
  field: "id",
  operator: "eq",
  value: typeof id === "string" ? id : String(id),
  connector: "AND",
  mode: "sensitive",
});

/**
 * Trigger functions for one table, untyped; `createClient`'s `triggers`
 * option types them per table ({@link Triggers}). Each runs in the same
 * transaction as the write.
 */
export type TableTriggers = {
  onCreate?: (ctx: GenericMutationCtx<GenericDataModel>, doc: GenericDocument) => Promise<void>;
  onUpdate?: (
    ctx: GenericMutationCtx<GenericDataModel>,
    newDoc: GenericDocument,
    oldDoc: GenericDocument,
  ) => Promise<void>;
  onDelete?: (ctx: GenericMutationCtx<GenericDataModel>, doc: GenericDocument) => Promise<void>;
};

/** Internal mutations exported by `authComponent.triggersApi()`, usually `internal.auth`. */
export type AuthFunctions = {
  onCreate?: FunctionReference<"mutation", "internal">;
  onUpdate?: FunctionReference<"mutation", "internal">;
  onDelete?: FunctionReference<"mutation", "internal">;
};

/** Options of {@link convexAdapter}. */
export type ConvexAdapterOptions = {
  debugLogs?: DBAdapterDebugLogOption;
  triggers?: Record<string, TableTriggers>;
  authFunctions?: AuthFunctions;
  /**
   * Journal the writes of Better Auth transactions so they roll back on an
   * error or a crash (default true). Needs the component's transaction
   * tables; a local-install schema without them turns this off.
   */
  transactions?: boolean;
  /** Rollback after this long without a write in an open transaction (default 60 s). */
  transactionTimeoutMs?: number;
};

/**
 * Whether Better Auth chooses ids (`advanced.database.generateId` set to
 * `"uuid"` or a function): they are stored in each table's `id` field.
 * Otherwise Convex assigns them and a row's Better Auth id is its `_id`.
 */
export function usesChosenIds(options: BetterAuthOptions | undefined): boolean {
  const generateId = options?.advanced?.database?.generateId;
  return generateId === "uuid" || typeof generateId === "function";
}

/** The trigger that mirrors the undo of each kind of write. */
const UNDO_TRIGGER = { create: "onDelete", update: "onUpdate", delete: "onCreate" } as const;

/**
 * The Better Auth database adapter over the component's functions, built on
 * Better Auth's `createAdapterFactory`. Reads go through `ctx.runQuery`,
 * writes through `ctx.runMutation`; `consumeOne` and `incrementOne` are one
 * mutation each, so they are atomic. Better Auth transactions (sign-up's
 * user, account and session, …) span several mutations, so their writes are
 * journaled and roll back together on an error or a crash. Dates are stored
 * as epoch milliseconds and come back as `Date`.
 *
 * @example
 * ```ts
 * betterAuth({ database: convexAdapter(ctx, components.betterAuth) });
 * ```
 */
export function convexAdapter(runCtx: RunCtx, component: AuthComponentApi, options: ConvexAdapterOptions = {}) {
  const api = (component as FullComponentApi).adapter;
  const modelOf = (args: unknown): string | undefined => {
    const record = args as { model?: unknown; input?: { model?: unknown } } | undefined;
    const model = record?.model ?? record?.input?.model;
    return typeof model === "string" ? model : undefined;
  };
  // Every component call: input errors become 4xx APIErrors, the rest are logged.
  const ctx: RunCtx = {
    runQuery: (reference, args) =>
      runCtx.runQuery(reference, args).catch((error: unknown) => {
        throw adapterError(error, functionLabel(reference), modelOf(args));
      }),
    runMutation: runCtx.runMutation
      ? (reference, args) =>
          runCtx.runMutation!(reference, args).catch((error: unknown) => {
            throw adapterError(error, functionLabel(reference), modelOf(args));
          })
      : undefined,
  };
  const canWrite = typeof ctx.runMutation === "function";

  async function handles(model: string, keys: (keyof TableTriggers)[]) {
    const triggers = options.triggers?.[model];
    const result: Record<string, string> = {};
    if (!triggers || !options.authFunctions) return result;
    for (const key of keys) {
      const reference = options.authFunctions[key];
      if (triggers[key] && reference) result[`${key}Handle`] = await createFunctionHandle(reference);
    }
    return result;
  }

  // Per request (Better Auth builds its adapter per createAuth(ctx)): the
  // token endpoint's jwks rows, read with the session (shared/jwks-prefetch.ts).
  const jwks: { wanted: boolean; rows?: Record<string, unknown>[] } = { wanted: false };
  const jwksPrefetch: JwksPrefetch = {
    request: () => {
      jwks.wanted = true;
    },
    take: () => {
      const rows = jwks.rows;
      jwks.rows = undefined;
      return rows;
    },
  };
  // Per request too: transactions whose commit waits for the next write or
  // the end of the request (shared/deferred-commits.ts).
  const deferred: { enabled: boolean; pending: string[]; finalWrite?: FinalWrite } = { enabled: false, pending: [] };
  const deferredCommits: DeferredCommits = {
    enable: (finalWrite) => {
      deferred.enabled = true;
      deferred.finalWrite = finalWrite;
    },
    flush: async () => {
      while (deferred.pending.length > 0) await commitTransactionNow(ctx, component, deferred.pending.shift()!);
    },
  };
  const journaled = canWrite && options.transactions !== false;
  const timeoutMs = options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS;
  let authOptions: BetterAuthOptions | undefined;

  // The adapter Better Auth uses, or (with `tx`) the one its transaction
  // callback gets, whose writes carry the transaction.
  type AdapterFactory = ReturnType<typeof createAdapterFactory>;
  const build = (tx?: TransactionState): AdapterFactory =>
    createAdapterFactory({
      config: {
        adapterId: "convex",
        adapterName: "Convex",
        debugLogs: options.debugLogs ?? false,
        supportsNumericIds: false,
        supportsUUIDs: false,
        // Convex assigns `_id`s: Better Auth generates none unless the app
        // asked for its own (`generateId`), which then go in the `id` field.
        disableIdGeneration: !usesChosenIds(authOptions),
        supportsJSON: false,
        supportsDates: true,
        supportsBooleans: true,
        supportsArrays: true,
        transaction:
          journaled && tx === undefined
            ? (callback) => {
                const next = newTransaction(timeoutMs);
                const trx: ReturnType<AdapterFactory> = build(next)(authOptions!);
                const defer = deferred.enabled ? (id: string) => void deferred.pending.push(id) : undefined;
                return runJournaledTransaction(ctx, component, next, () => callback(trx), defer);
              }
            : false,
        customTransformOutput: ({ data, fieldAttributes }) =>
          fieldAttributes.type === "date" && typeof data === "number" ? new Date(data) : (data as unknown),
      },
      adapter: ({ getFieldName, getDefaultModelName, getModelName, schema }) => {
        const logical = (model: string, modelKey?: string) => modelKey ?? getDefaultModelName(model);
        const fieldNames = (model: string, fields: string[] | undefined) =>
          fields?.map((field) => getFieldName({ model, field }));
        // Per model, its stored (physical) field names and which of them are dates.
        const modelFields = new Map<string, { all: Set<string>; dates: Set<string> }>();
        const fieldsOf = (model: string, modelKey?: string) => {
          const key = logical(model, modelKey);
          let fields = modelFields.get(key);
          if (!fields) {
            const entries = Object.entries(schema[key]?.fields ?? {});
            fields = {
              all: new Set(entries.map(([name, field]) => field.fieldName ?? name)),
              dates: new Set(
                entries.filter(([, field]) => field.type === "date").map(([name, field]) => field.fieldName ?? name),
              ),
            };
            modelFields.set(key, fields);
          }
          return fields;
        };
        // Where clauses name stored fields; dates among them are compared as dates.
        const isDate = (model: string, modelKey?: string): IsDateField => {
          const { dates } = fieldsOf(model, modelKey);
          return (field) => dates.has(field);
        };
        // Where and sort fields can come from the client (admin listUsers'
        // filterField, api-key list's sortBy): one the model lacks is a 400.
        const requireQueryField = (model: string, field: unknown, modelKey?: string) => {
          if (typeof field === "string" && (QUERY_SYSTEM_FIELDS.has(field) || fieldsOf(model, modelKey).all.has(field)))
            return;
          throw new APIError("BAD_REQUEST", {
            code: "INVALID_ARGUMENT",
            message: `Unknown field ${JSON.stringify(String(field).slice(0, 64))} on model "${model}".`,
          });
        };
        const where = (model: string, clauses: readonly any[] | undefined, modelKey?: string) => {
          for (const clause of clauses ?? [])
            requireQueryField(model, (clause as { field?: unknown } | undefined)?.field, modelKey);
          return cleanWhere(clauses, isDate(model, modelKey), model);
        };
        // Convex stores nothing for an unset field; Better Auth's SQL adapters
        // return NULL for it, and its plugins compare with null.
        function withNulls<T>(model: string, row: T, select?: string[], modelKey?: string): T {
          if (row === null || typeof row !== "object") return row;
          const record = row as Record<string, unknown>;
          for (const field of fieldsOf(model, modelKey).all) {
            if (record[field] === undefined && (!select?.length || select.includes(field))) record[field] = null;
          }
          return row;
        }
        // Joined rows come back the same way, under their model's name.
        function withJoinedNulls<T>(row: T, join: JoinConfig | undefined): T {
          if (!join || row === null || typeof row !== "object") return row;
          const record = row as Record<string, unknown>;
          for (const model of Object.keys(join)) {
            const joined = record[model];
            if (Array.isArray(joined)) joined.forEach((item: unknown) => withNulls(model, item));
            else withNulls(model, joined);
          }
          return row;
        }

        async function findPage(args: {
          model: string;
          where: Where[];
          sortBy?: { field: string; direction: "asc" | "desc" };
          limit: number;
          offset?: number;
          select?: string[];
          join?: JoinConfig;
        }) {
          const rows: Row[] = [];
          let cursor: string | null = null;
          for (;;) {
            const page = (await ctx.runQuery(api.findMany, {
              model: args.model,
              where: args.where,
              sortBy: args.sortBy,
              offset: cursor === null ? args.offset : undefined,
              select: args.select,
              join: args.join,
              paginationOpts: { cursor, numItems: Math.min(args.limit - rows.length, MAX_PAGE) },
            })) as { page: Row[]; isDone: boolean; continueCursor: string };
            rows.push(...page.page);
            if (page.isDone || rows.length >= args.limit) return rows.slice(0, args.limit);
            cursor = page.continueCursor;
          }
        }

        // A write inside a transaction carries it, plus the trigger that would
        // mirror its undo.
        async function mutate(
          reference: FunctionReference<"mutation", "internal">,
          args: Record<string, unknown>,
          model: string,
          kind: keyof typeof UNDO_TRIGGER,
        ): Promise<unknown> {
          // Prefetched keys are stale once the table changes.
          if (logical(model) === "jwks") jwks.rows = undefined;
          // Deferred commits ride on this write, in the same mutation.
          const commit = deferred.pending.length > 0 ? [...deferred.pending] : undefined;
          let transaction: ReturnType<typeof transactionArg> | undefined;
          let lastWrite = false;
          if (tx) {
            const undo = await handles(model, [UNDO_TRIGGER[kind]]);
            tx.attempted = true;
            const final = deferred.finalWrite;
            lastWrite = final !== undefined && final.action === kind && final.model === logical(model);
            transaction = transactionArg(tx, undo[`${UNDO_TRIGGER[kind]}Handle`], lastWrite);
          }
          const result: unknown = await ctx.runMutation!(reference, {
            ...args,
            ...(transaction ? { transaction } : {}),
            ...(commit ? { commit } : {}),
          });
          if (commit) deferred.pending = deferred.pending.filter((id) => !commit.includes(id));
          // Any other write reopens a provisionally committed transaction.
          if (tx) tx.provisional = lastWrite;
          return result;
        }

        async function findOneRow(model: string, where: Where[]): Promise<Row | null> {
          return (await ctx.runQuery(api.findOne, { model, where })) as Row | null;
        }

        // The first session lookup or insert after a prefetch request reads the
        // jwks rows too (shared/jwks-prefetch.ts).
        const jwksAlsoRead = (model: string, modelKey?: string) => {
          if (!jwks.wanted || logical(model, modelKey) !== "session") return undefined;
          jwks.wanted = false;
          return { model: jwksModel(), limit: JWKS_PREFETCH_LIMIT };
        };
        const keepPrefetched = <T>(alsoRead: unknown, found: T): T => {
          if (!alsoRead || found === null || typeof found !== "object") return found;
          const { alsoRead: rows, ...row } = found as Record<string, unknown> & {
            alsoRead?: Record<string, unknown>[];
          };
          // A full page may not be all of them: leave it to a normal read.
          if (rows && rows.length < JWKS_PREFETCH_LIMIT) jwks.rows = rows;
          return row as T;
        };
        const jwksModel = () => {
          try {
            return getModelName("jwks");
          } catch {
            return "jwks";
          }
        };
        return {
          createSchema: createConvexAdapterSchema,
          options: { [JWKS_PREFETCH_OPTION]: jwksPrefetch, [DEFERRED_COMMITS_OPTION]: deferredCommits },
          create: async ({ model, data, select }) => {
            if (!canWrite) throw writeInQueryCtxError("create", model);
            const selected = fieldNames(model, select);
            const alsoRead = jwksAlsoRead(model);
            const row = await mutate(
              api.create,
              {
                input: { model, data: cleanData(data, model) },
                select: selected,
                ...(await handles(model, ["onCreate"])),
                alsoRead,
              },
              model,
              "create",
            );
            return asModelRow(withNulls(model, keepPrefetched(alsoRead, row), selected));
          },

          findOne: async ({ model, modelKey, where: clauses, select, join }) => {
            const selected = fieldNames(logical(model, modelKey), select);
            const alsoRead = jwksAlsoRead(model, modelKey);
            const found: unknown = await ctx.runQuery(api.findOne, {
              model,
              where: where(model, clauses, modelKey),
              select: selected,
              join,
              alsoRead,
            });
            return asModelRow(
              withJoinedNulls(withNulls(model, keepPrefetched(alsoRead, found), selected, modelKey), join),
            );
          },

          findMany: async ({ model, modelKey, where: clauses, limit, sortBy, offset, select, join }) => {
            const key = logical(model, modelKey);
            const selected = fieldNames(key, select);
            const sortField = sortBy ? getFieldName({ model: key, field: sortBy.field }) : undefined;
            if (sortBy) requireQueryField(model, sortField, modelKey);
            const rows = await findPage({
              model,
              where: where(model, clauses, modelKey),
              sortBy: sortBy ? { field: sortField!, direction: sortBy.direction } : undefined,
              limit: limit ?? Number.MAX_SAFE_INTEGER,
              offset: offset || undefined,
              select: selected,
              join,
            });
            return rows.map((row) => asModelRow(withJoinedNulls(withNulls(model, row, selected, modelKey), join)));
          },

          count: async ({ model, where: clauses }) => {
            const cleaned = where(model, clauses);
            const countPages = async (
              read: (cursor: string | null) => Promise<{ count: number; isDone: boolean; continueCursor: string }>,
            ) => {
              let total = 0;
              let cursor: string | null = null;
              for (;;) {
                const page = await read(cursor);
                total += page.count;
                if (page.isDone) return total;
                cursor = page.continueCursor;
              }
            };
            return await withFallback(
              component,
              "count",
              () =>
                countPages((cursor) =>
                  ctx.runQuery(api.count, {
                    model,
                    where: cleaned,
                    paginationOpts: cursor === null ? undefined : { cursor, numItems: 4096 },
                  }),
                ),
              () =>
                countPages(async (cursor) => {
                  const page = (await ctx.runQuery(api.findMany, {
                    model,
                    where: cleaned,
                    select: ["_id"],
                    paginationOpts: { cursor, numItems: MAX_PAGE },
                  })) as { page: unknown[]; isDone: boolean; continueCursor: string };
                  return { count: page.page.length, isDone: page.isDone, continueCursor: page.continueCursor };
                }),
            );
          },

          update: async ({ model, modelKey, where: rawWhere, update }) => {
            const clauses = where(model, rawWhere, modelKey);
            const values = cleanData(update as Record<string, unknown>, model);
            if (!canWrite) {
              // Better Auth refreshes sessions while reading them; a query
              // cannot write, and the refresh can wait for the next mutation.
              if (isSessionRefresh(logical(model, modelKey), values)) {
                return asModelRow(withNulls(model, await findOneRow(model, clauses), undefined, modelKey));
              }
              throw writeInQueryCtxError("update", model);
            }
            const row = await mutate(
              api.updateOne,
              { input: { model, where: clauses, update: values }, ...(await handles(model, ["onUpdate"])) },
              model,
              "update",
            );
            return asModelRow(withNulls(model, row, undefined, modelKey));
          },

          updateMany: async ({ model, where: clauses, update }) => {
            if (!canWrite) throw writeInQueryCtxError("update", model);
            const triggerHandles = await handles(model, ["onUpdate"]);
            let total = 0;
            let cursor: string | null = null;
            for (;;) {
              const batch = (await mutate(
                api.updateMany,
                {
                  input: {
                    model,
                    where: where(model, clauses),
                    update: cleanData(update as Record<string, unknown>, model),
                  },
                  paginationOpts: cursor === null ? undefined : { cursor, numItems: MAX_PAGE },
                  ...triggerHandles,
                },
                model,
                "update",
              )) as { count: number; isDone: boolean; continueCursor: string };
              total += batch.count;
              if (batch.isDone) return total;
              cursor = batch.continueCursor;
            }
          },

          delete: async ({ model, modelKey, where: rawWhere }) => {
            const clauses = where(model, rawWhere, modelKey);
            if (!canWrite) {
              if (isExpiredRow(logical(model, modelKey), await findOneRow(model, clauses))) return;
              throw writeInQueryCtxError("delete", model);
            }
            await mutate(
              api.deleteOne,
              { input: { model, where: clauses }, ...(await handles(model, ["onDelete"])) },
              model,
              "delete",
            );
          },

          deleteMany: async ({ model, modelKey, where: rawWhere }) => {
            const clauses = where(model, rawWhere, modelKey);
            if (!canWrite) {
              if (isExpiredCleanup(logical(model, modelKey), clauses)) return 0;
              throw writeInQueryCtxError("delete", model);
            }
            const triggerHandles = await handles(model, ["onDelete"]);
            let total = 0;
            for (;;) {
              const batch = (await mutate(
                api.deleteMany,
                { input: { model, where: clauses }, ...triggerHandles },
                model,
                "delete",
              )) as { count: number; isDone: boolean };
              total += batch.count;
              if (batch.isDone) return total;
            }
          },

          consumeOne: async ({ model, where: clauses }) => {
            if (!canWrite) throw writeInQueryCtxError("consume", model);
            const cleaned = where(model, clauses);
            const triggerHandles = await handles(model, ["onDelete"]);
            const consumed = await withFallback(
              component,
              "consumeOne",
              () => mutate(api.consumeOne, { input: { model, where: cleaned }, ...triggerHandles }, model, "delete"),
              async () => {
                // Only one deleteOne can delete the row: whoever gets it back consumed it.
                const row = await findOneRow(model, cleaned);
                if (!row) return null;
                return await mutate(
                  api.deleteOne,
                  { input: { model, where: [...cleaned, idClause(row.id)] }, ...triggerHandles },
                  model,
                  "delete",
                );
              },
            );
            return asModelRow(withNulls(model, consumed));
          },

          incrementOne: async ({ model, where: clauses, increment, set }) => {
            if (!canWrite) throw writeInQueryCtxError("update", model);
            const cleaned = where(model, clauses);
            const values = set ? cleanData(set as Record<string, unknown>, model) : undefined;
            const triggerHandles = await handles(model, ["onUpdate"]);
            const incremented = await withFallback(
              component,
              "incrementOne",
              () =>
                mutate(
                  api.incrementOne,
                  { input: { model, where: cleaned, increment, set: values }, ...triggerHandles },
                  model,
                  "update",
                ),
              async () => {
                // Compare-and-set: the update applies only while every counter
                // still holds the value it was computed from.
                for (let attempt = 0; attempt < MAX_INCREMENT_ATTEMPTS; attempt++) {
                  const row = await findOneRow(model, cleaned);
                  if (!row) return null;
                  const update: Record<string, unknown> = { ...values };
                  const guard: Where[] = [...cleaned, idClause(row.id)];
                  for (const [field, delta] of Object.entries(increment)) {
                    const current = typeof row[field] === "number" ? row[field] : null;
                    update[field] = (current ?? 0) + delta;
                    guard.push({ field, operator: "eq", value: current, connector: "AND", mode: "sensitive" });
                  }
                  const updated = await mutate(
                    api.updateOne,
                    { input: { model, where: guard, update }, ...triggerHandles },
                    model,
                    "update",
                  );
                  if (updated) return updated;
                }
                throw convexBetterAuthError(
                  "WRITE_CONFLICT",
                  `Incrementing a "${model}" row lost ${MAX_INCREMENT_ATTEMPTS} times to concurrent writers.`,
                  { model },
                );
              },
            );
            return asModelRow(withNulls(model, incremented));
          },
        };
      },
    });

  return (betterAuthOptions: BetterAuthOptions) => {
    // The component joins in the same query (a session with its user, a
    // user with its accounts): one component call where Better Auth would
    // otherwise make one per model.
    authOptions = {
      ...betterAuthOptions,
      advanced: {
        ...betterAuthOptions.advanced,
        database: { ...betterAuthOptions.advanced?.database, joins: true },
      },
    };
    return build()(authOptions);
  };
}
