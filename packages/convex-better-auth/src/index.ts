/**
 * convex-better-auth: Better Auth running inside Convex.
 *
 * @example
 * ```ts
 * import { createClient, type GenericCtx } from "convex-better-auth";
 * export const authComponent = createClient<DataModel>(components.betterAuth);
 * ```
 * @module
 */
export { createClient, type AuthClient, type AuthUser, type ClientConfig } from "./auth-component/create-client.js";
export type { Triggers, TriggerDoc } from "./auth-component/triggers.js";
export { createApi } from "./auth-component/create-api.js";
export { transactionTables } from "./component-api/transaction-tables.js";
export {
  convexAdapter,
  type AuthFunctions,
  type ConvexAdapterOptions,
  type TableTriggers,
} from "./auth-component/adapter.js";
export {
  registerRoutes,
  registerRoutesLazy,
  type CorsOptions,
  type LazyRouteOptions,
} from "./auth-component/register-routes.js";
export type {
  AuthComponentApi,
  BasicAdapterApi,
  CreateAuth,
  EventFunction,
  GenericCtx,
  RunMutationCtx,
} from "./auth-component/types.js";
export {
  CONVEX_BETTER_AUTH_ERROR_CODES,
  isConvexBetterAuthError,
  type ConvexBetterAuthErrorCode,
  type ConvexBetterAuthErrorData,
} from "./shared/errors.js";
