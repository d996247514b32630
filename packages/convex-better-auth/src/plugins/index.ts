/**
 * `convex-better-auth/plugins`: the server-side Better Auth plugin that turns
 * Better Auth sessions into Convex JWTs.
 *
 * @example
 * ```ts
 * import { convex } from "convex-better-auth/plugins";
 * import authConfig from "./auth.config";
 *
 * betterAuth({ plugins: [convex({ authConfig })] });
 * ```
 *
 * @module
 */
export { convex } from "./convex/convex-plugin.js";
export { convexSafeJwtAdapter } from "./convex/convex-safe-jwt-adapter.js";
export { CONVEX_ERROR_CODES, type ConvexErrorCode } from "./convex/error-codes.js";
export { JWT_COOKIE_NAME } from "./convex/jwt-cookie.js";
export type { MintedConvexJwt } from "./convex/mint-convex-jwt.js";
export type { ConvexOpenIdConfiguration } from "./convex/openid-configuration-endpoint.js";
export type {
  ConvexJwtOptions,
  ConvexPluginOptions,
  ConvexTokenSubject,
  DefineConvexJwtPayload,
  StoredJwk,
} from "./convex/types.js";
export type { ExportedJwk } from "../auth-config/parse-jwks-option.js";
export { crossDomain } from "./cross-domain/cross-domain-plugin.js";
export { CROSS_DOMAIN_ERROR_CODES, type CrossDomainErrorCode } from "./cross-domain/error-codes.js";
export type { CrossDomainOptions } from "./cross-domain/types.js";
