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
export { createClient, type AuthClient, type AuthUser, type ClientConfig } from "./create-client.js";
export type { Triggers, TriggerDoc } from "./triggers.js";
export { createApi } from "./create-api.js";
export { createConvexSchema, DEFAULT_SCHEMA_PATH, type ConvexSchemaFile } from "./create-schema.js";
export { transactionTables } from "../component-api/transaction-tables.js";
export { convexAdapter, type AuthFunctions, type ConvexAdapterOptions, type TableTriggers } from "./adapter.js";
export { registerRoutes, registerRoutesLazy, type CorsOptions, type LazyRouteOptions } from "./register-routes.js";
export { FORWARDED_HOST_HEADER, FORWARDED_PROTO_HEADER } from "./forwarded-headers.js";
export type { AuthComponentApi, BasicAdapterApi, CreateAuth, EventFunction, GenericCtx, RunMutationCtx } from "./types.js";
export {
  CONVEX_BETTER_AUTH_ERROR_CODES,
  isConvexBetterAuthError,
  type ConvexBetterAuthErrorCode,
  type ConvexBetterAuthErrorData,
} from "../shared/errors.js";
