import type {
  DefaultFunctionArgs,
  FunctionReference,
  GenericActionCtx,
  GenericDataModel,
  GenericMutationCtx,
  GenericQueryCtx,
} from "convex/server";
import type { ComponentApi } from "../component/_generated/component.js";
import type { RegisterableAuth } from "./register-routes.js";

/**
 * Any Convex function ctx: query, mutation or action. Better Auth runs in all
 * three; what it may write depends on which one it got.
 */
export type GenericCtx<DataModel extends GenericDataModel = GenericDataModel> =
  GenericQueryCtx<DataModel> | GenericMutationCtx<DataModel> | GenericActionCtx<DataModel>;

/** A ctx that can call mutations: a mutation or an action ctx. */
export type RunMutationCtx<DataModel extends GenericDataModel = GenericDataModel> =
  GenericMutationCtx<DataModel> | GenericActionCtx<DataModel>;

/**
 * The adapter functions every Better Auth component exports. A local install
 * written for `@convex-dev/better-auth` exports only these; the client then
 * answers through them what the others would do in one call.
 *
 * @example
 * ```ts
 * // convex/betterAuth/adapter.ts of such a local install
 * export const { create, findOne, findMany, updateOne, updateMany, deleteOne, deleteMany } = createApi(schema, createAuthOptions);
 * ```
 */
export type BasicAdapterApi = {
  create: FunctionReference<"mutation", "internal">;
  findOne: FunctionReference<"query", "internal">;
  findMany: FunctionReference<"query", "internal">;
  updateOne: FunctionReference<"mutation", "internal">;
  updateMany: FunctionReference<"mutation", "internal">;
  deleteOne: FunctionReference<"mutation", "internal">;
  deleteMany: FunctionReference<"mutation", "internal">;
};

/**
 * The `components.betterAuth` reference: the built-in component
 * (`ComponentApi`) or a component folder of your own, whose `adapter`
 * module exports at least the {@link BasicAdapterApi} functions.
 */
export type AuthComponentApi = { adapter: BasicAdapterApi & Partial<ComponentApi["adapter"]> };

/** The built-in component's full API, which the client calls (falling back where a local install lacks a function). */
export type FullComponentApi = ComponentApi;

/**
 * A mutation Better Auth events can call, e.g. in `databaseHooks`.
 *
 * @example
 * ```ts
 * const onSignUp: EventFunction<{ userId: string }> = internal.users.onSignUp;
 * ```
 */
export type EventFunction<T extends DefaultFunctionArgs> = FunctionReference<"mutation", "internal" | "public", T>;

/** What the adapter needs from a ctx: the two ways to call the component. */
export type RunCtx = {
  runQuery: (reference: FunctionReference<"query", "internal">, args: any) => Promise<any>;
  runMutation?: (reference: FunctionReference<"mutation", "internal">, args: any) => Promise<any>;
};

/** Your `createAuth(ctx)` function: builds the Better Auth instance for one ctx. */
export type CreateAuth<DataModel extends GenericDataModel = GenericDataModel, Auth = RegisterableAuth> = (
  ctx: GenericCtx<DataModel>,
) => Auth;
