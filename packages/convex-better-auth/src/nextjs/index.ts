/**
 * convex-better-auth/nextjs: Next.js (App Router) server helpers — the
 * `/api/auth/*` proxy and authenticated Convex calls for server components,
 * server actions and route handlers.
 *
 * @example
 * ```ts
 * import { convexBetterAuthNextJs } from "convex-better-auth/nextjs";
 *
 * export const { handler, getToken, isAuthenticated, preloadAuthQuery, fetchAuthQuery, fetchAuthMutation, fetchAuthAction } =
 *   convexBetterAuthNextJs({
 *     convexUrl: process.env.NEXT_PUBLIC_CONVEX_URL!,
 *     convexSiteUrl: process.env.NEXT_PUBLIC_CONVEX_SITE_URL!,
 *   });
 * ```
 * @module
 */
export {
  convexBetterAuthNextJs,
  type ConvexBetterAuthNextJs,
  type ConvexBetterAuthNextJsOptions,
} from "./convex-better-auth-nextjs.js";
export type { AuthRouteHandlers, RequestHandler } from "../server-core/auth-route-handlers.js";
export type { ConvexBetterAuthServerOptions, JwtCacheOptions } from "../server-core/server-options.js";
export { isConvexAuthError } from "../server-core/call-with-convex-token.js";
export {
  ConvexBetterAuthFrameworkError,
  FRAMEWORK_ERROR_CODES,
  isFrameworkError,
  type FrameworkErrorCode,
} from "../server-core/errors.js";
