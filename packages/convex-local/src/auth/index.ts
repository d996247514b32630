/**
 * JWT authentication against `auth.config.ts` providers, as the Convex
 * backend does it. The sync layer and the HTTP servers call
 * {@link authenticateToken}.
 */
export { authenticateToken, type AuthenticateTokenOptions } from "./authenticate-token.ts";
export { clearHttpCache } from "./fetch-with-http-cache.ts";
export { resetKidMissRateLimit, KID_MISS_REFRESH_INTERVAL_MS } from "./jwks-key-source.ts";
export { CUSTOM_JWT_LEEWAY_SECONDS } from "./verify-custom-jwt.ts";
export type { UserIdentity } from "./user-identity.ts";
