import {
  internalMutationGeneric,
  queryGeneric,
  type DataModelFromSchemaDefinition,
  type DocumentByName,
  type GenericDataModel,
  type GenericDocument,
  type GenericMutationCtx,
  type GenericQueryCtx,
  type GenericSchema,
  type HttpRouter,
  type SchemaDefinition,
} from "convex/server";
import { v, type Validator } from "convex/values";
import { convexBetterAuthError } from "../shared/errors.js";
import { hasTransactionTables } from "../component-api/transaction-tables.js";
import type defaultSchema from "../component/schema.js";
import { convexAdapter, type AuthFunctions, type TableTriggers } from "./adapter.js";
import { withFallback } from "./optional-functions.js";
import { registerRoutes, registerRoutesLazy, type CorsOptions, type LazyRouteOptions } from "./register-routes.js";
import type { Triggers } from "./triggers.js";
import type { AuthComponentApi, CreateAuth, FullComponentApi, GenericCtx, RunCtx } from "./types.js";

/** Options of {@link createClient}. */
export type ClientConfig<
  DataModel extends GenericDataModel = GenericDataModel,
  Schema extends SchemaDefinition<GenericSchema, boolean> = typeof defaultSchema,
> = {
  /** Your own component schema (local install): it types users and triggers, and tells whether transactions can be journaled. */
  local?: { schema?: Schema };
  /** Log every adapter call. */
  verbose?: boolean;
  /**
   * Functions run in the same transaction as a write to a table, keyed by
   * Better Auth model name. Needs `authFunctions`.
   */
  triggers?: Triggers<DataModel, Schema>;
  /** Where `triggersApi()` is exported, usually `internal.auth`. */
  authFunctions?: AuthFunctions;
  /**
   * An open Better Auth transaction (sign-up, OAuth user creation, token
   * verification) with no write for this long is rolled back, so a crash
   * mid-way leaves nothing half-written. Default 60 000 ms.
   */
  transactionTimeoutMs?: number;
};

/**
 * The component's user document for a schema (the bundled one by default):
 * what `getAuthUser` returns.
 *
 * @example
 * ```ts
 * const user: AuthUser<typeof authSchema> = await authComponent.getAuthUser(ctx);
 * ```
 */
export type AuthUser<Schema extends SchemaDefinition<GenericSchema, boolean> = typeof defaultSchema> =
  "user" extends keyof Schema["tables"]
    ? DocumentByName<DataModelFromSchemaDefinition<Schema>, "user">
    : GenericDocument;

type Identity = { subject: string; sessionId?: unknown } | null;

/**
 * A row from the adapter functions as `ctx.db.get` would give it: without
 * the Better Auth `id` they add when it is just the `_id`. getAuthUser and
 * getSession return stored documents, whichever path answered.
 */
function asStored<T extends Record<string, unknown> | null>(row: T): T {
  if (row === null || row.id !== row._id) return row;
  const { id: _id, ...stored } = row;
  return stored as T;
}

async function sessionClaims(ctx: GenericCtx<any>) {
  const identity = (await ctx.auth.getUserIdentity()) as Identity;
  if (!identity || typeof identity.sessionId !== "string" || identity.sessionId.length === 0) return null;
  return { sessionId: identity.sessionId, userId: identity.subject };
}

/**
 * The component client: everything the app needs to run Better Auth on
 * Convex and to ask who is signed in.
 *
 * @typeParam DataModel Your app's `DataModel` (types the ctx of triggers and helpers).
 * @typeParam Schema Your component's schema for a local install (types users and triggers).
 * @param component `components.betterAuth` from your app's `_generated/api`.
 * @example
 * ```ts
 * export const authComponent = createClient<DataModel>(components.betterAuth);
 *
 * export const createAuth = (ctx: GenericCtx<DataModel>) =>
 *   betterAuth({ database: authComponent.adapter(ctx), plugins: [convex({ authConfig })] });
 *
 * export const getCurrentUser = query({
 *   args: {},
 *   handler: (ctx) => authComponent.getAuthUser(ctx),
 * });
 *
 * // A local install: createClient<DataModel, typeof authSchema>(components.betterAuth, { local: { schema: authSchema } })
 * ```
 */
export function createClient<
  DataModel extends GenericDataModel = GenericDataModel,
  Schema extends SchemaDefinition<GenericSchema, boolean> = typeof defaultSchema,
  Api extends AuthComponentApi = AuthComponentApi,
>(component: Api, config: ClientConfig<DataModel, Schema> = {}) {
  type User = AuthUser<Schema>;
  const triggers = config.triggers as unknown as Record<string, TableTriggers> | undefined;
  const api = (component as unknown as FullComponentApi).adapter;
  // A local-install schema without the transaction tables cannot journal.
  const localTables = (config.local?.schema as { tables?: Record<string, unknown> } | undefined)?.tables;
  const transactions = localTables === undefined || hasTransactionTables(localTables);

  const byId = (id: string) => [{ field: "id", operator: "eq" as const, value: id }];

  /** The live session by id: one query, or two basic reads on a component without `getSession`. */
  async function liveSession(ctx: GenericCtx<DataModel>, sessionId: string) {
    return await withFallback(
      component,
      "getSession",
      () => ctx.runQuery(api.getSession, { sessionId }),
      async () => {
        const session = asStored(await ctx.runQuery(api.findOne, { model: "session", where: byId(sessionId) }));
        return session && typeof session.expiresAt === "number" && session.expiresAt > Date.now() ? session : null;
      },
    );
  }

  async function safeGetAuthUser(ctx: GenericCtx<DataModel>): Promise<User | null> {
    const claims = await sessionClaims(ctx as GenericCtx<any>);
    if (!claims) return null;
    const user = await withFallback(
      component,
      "getAuthUser",
      () => ctx.runQuery(api.getAuthUser, claims),
      async () => {
        const session = await liveSession(ctx, claims.sessionId);
        if (!session || session.userId !== claims.userId) return null;
        return asStored(await ctx.runQuery(api.findOne, { model: "user", where: byId(session.userId) }));
      },
    );
    return (user as User | null) ?? null;
  }

  async function getHeaders(ctx: GenericCtx<DataModel>): Promise<Headers> {
    const claims = await sessionClaims(ctx as GenericCtx<any>);
    const headers = new Headers();
    if (!claims) return headers;
    const session = await liveSession(ctx, claims.sessionId);
    if (!session || session.userId !== claims.userId) return headers;
    // The convex() plugin turns this into a session cookie for in-process
    // auth.api calls only; HTTP requests cannot authenticate with it.
    headers.set("authorization", `Bearer ${session.token}`);
    if (typeof session.ipAddress === "string") headers.set("x-forwarded-for", session.ipAddress);
    return headers;
  }

  const client = {
    /** The Better Auth database adapter for this ctx. */
    adapter: (ctx: GenericCtx<DataModel>) =>
      convexAdapter(ctx as unknown as RunCtx, component, {
        debugLogs: config.verbose ?? false,
        triggers,
        authFunctions: config.authFunctions,
        transactions,
        transactionTimeoutMs: config.transactionTimeoutMs,
      }),

    /**
     * The signed-in user, or null: no identity, no `sessionId` claim, an
     * expired or revoked session, or a deleted user. One component query.
     */
    safeGetAuthUser,

    /** The signed-in user; throws `ConvexError({ code: "UNAUTHENTICATED" })` when there is none. */
    getAuthUser: async (ctx: GenericCtx<DataModel>): Promise<User> => {
      const user = await safeGetAuthUser(ctx);
      if (!user) throw convexBetterAuthError("UNAUTHENTICATED", "Not signed in, or the session has ended.");
      return user;
    },

    /** Any user by Better Auth id (the user's `_id`), or null; a malformed id is null too. */
    getAnyUserById: async (ctx: GenericCtx<DataModel>, id: string): Promise<User | null> =>
      (asStored(await ctx.runQuery(api.findOne, { model: "user", where: byId(id) })) as User | null) ?? null,

    /**
     * Stores an app user id on the component user (`user.userId`).
     *
     * @deprecated Kept for apps moving from `@convex-dev/better-auth`, which
     * deprecated it in 0.9: store the Better Auth user's `_id` in your own
     * table instead (e.g. from an `onCreate` trigger).
     */
    setUserId: async (ctx: GenericMutationCtx<DataModel>, authId: string, userId: string): Promise<void> => {
      await ctx.runMutation(api.updateOne, { input: { model: "user", where: byId(authId), update: { userId } } });
    },

    /** Headers that make `auth.api.*` calls act as the signed-in user. */
    getHeaders,

    /**
     * Better Auth for this ctx plus the headers of the signed-in user, to
     * call `auth.api.*` inside Convex functions.
     */
    getAuth: async <Auth>(createAuth: (ctx: GenericCtx<DataModel>) => Auth, ctx: GenericCtx<DataModel>) => ({
      auth: createAuth(ctx),
      headers: await getHeaders(ctx),
    }),

    /** Serves Better Auth's HTTP API from `http.ts`. */
    registerRoutes: (http: HttpRouter, createAuth: CreateAuth<DataModel>, options?: { cors?: CorsOptions }) =>
      registerRoutes(http, createAuth as CreateAuth<any>, options),

    /** Like `registerRoutes`, without building Better Auth when `http.ts` loads. */
    registerRoutesLazy: (http: HttpRouter, createAuth: CreateAuth<DataModel>, options?: LazyRouteOptions) =>
      registerRoutesLazy(http, createAuth as CreateAuth<any>, options),

    /** The internal mutations that run `triggers`; export them where `authFunctions` points. */
    triggersApi: () => {
      // Documents cross as `v.any()` (Convex records cannot hold `_id`
      // keys); the component validated them when it wrote them.
      const vDocument = v.any() as unknown as Validator<GenericDocument, "required", string>;
      return {
        onCreate: internalMutationGeneric({
          args: { model: v.string(), doc: vDocument },
          handler: async (ctx, args) => {
            await triggers?.[args.model]?.onCreate?.(ctx as GenericMutationCtx<GenericDataModel>, args.doc);
          },
        }),
        onUpdate: internalMutationGeneric({
          args: { model: v.string(), newDoc: vDocument, oldDoc: vDocument },
          handler: async (ctx, args) => {
            await triggers?.[args.model]?.onUpdate?.(
              ctx as GenericMutationCtx<GenericDataModel>,
              args.newDoc,
              args.oldDoc,
            );
          },
        }),
        onDelete: internalMutationGeneric({
          args: { model: v.string(), doc: vDocument },
          handler: async (ctx, args) => {
            await triggers?.[args.model]?.onDelete?.(ctx as GenericMutationCtx<GenericDataModel>, args.doc);
          },
        }),
      };
    },

    /** Public functions for client components, e.g. `AuthBoundary`. */
    clientApi: () => ({
      getAuthUser: queryGeneric({
        args: {},
        handler: async (ctx: GenericQueryCtx<DataModel>) => await client.getAuthUser(ctx),
      }),
    }),
  };
  return client;
}

/** The object {@link createClient} returns. */
export type AuthClient = ReturnType<typeof createClient>;
