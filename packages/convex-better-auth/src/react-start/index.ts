/**
 * convex-better-auth/react-start: TanStack Start server helpers — the
 * `/api/auth/*` proxy and authenticated Convex calls for server functions
 * and loaders.
 *
 * @example
 * ```ts
 * import { convexBetterAuthReactStart } from "convex-better-auth/react-start";
 *
 * export const { handler, getToken, fetchAuthQuery, fetchAuthMutation, fetchAuthAction } =
 *   convexBetterAuthReactStart({
 *     convexUrl: process.env.VITE_CONVEX_URL!,
 *     convexSiteUrl: process.env.VITE_CONVEX_SITE_URL!,
 *   });
 * ```
 * @module
 */
export {
  convexBetterAuthReactStart,
  type ConvexBetterAuthReactStart,
  type ConvexBetterAuthReactStartOptions,
} from "./convex-better-auth-react-start.js";
export type { ConvexBetterAuthServerOptions, JwtCacheOptions } from "../server-core/server-options.js";
export { isConvexAuthError } from "../server-core/call-with-convex-token.js";
export {
  ConvexBetterAuthFrameworkError,
  FRAMEWORK_ERROR_CODES,
  isFrameworkError,
  type FrameworkErrorCode,
} from "../server-core/errors.js";
