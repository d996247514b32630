/**
 * `convex-better-auth/auth-config`: the Convex auth provider for Better Auth,
 * for `convex/auth.config.ts`. Free of Better Auth imports, so the auth config
 * stays light.
 *
 * @example
 * ```ts
 * // convex/auth.config.ts
 * import { getAuthConfigProvider } from "convex-better-auth/auth-config";
 * import type { AuthConfig } from "convex/server";
 *
 * export default { providers: [getAuthConfigProvider()] } satisfies AuthConfig;
 * ```
 *
 * @module
 */
export {
  getAuthConfigProvider,
  DEFAULT_BASE_PATH,
  type ConvexBetterAuthProvider,
  type GetAuthConfigProviderOptions,
} from "./get-auth-config-provider.js";
export { createPublicJwks, type JwksRowLike, type PublicJwk, type PublicJwks } from "./create-public-jwks.js";
export { parseJwksOption, type ExportedJwk } from "./parse-jwks-option.js";
