import { defineErrorCodes } from "better-auth";

/**
 * Error codes the `convex()` plugin's endpoints return, as
 * `{ code, message }`, and the `code` of its start-up errors
 * (`JWT_PLUGIN_*`). Clients branch on `error.code`; the code strings are
 * stable and only ever added to.
 *
 * @example
 * ```ts
 * const { error } = await authClient.convex.token();
 * if (error?.code === CONVEX_ERROR_CODES.SESSION_REQUIRED.code) redirect("/sign-in");
 * ```
 */
export const CONVEX_ERROR_CODES = defineErrorCodes({
  SESSION_REQUIRED: "A valid session is required to get a Convex token",
  CONVEX_SITE_URL_MISSING:
    "CONVEX_SITE_URL is not set. Convex sets it in every deployment; outside Convex, set it to the deployment's .convex.site URL",
  SIGNING_KEY_ALGORITHM_MISMATCH:
    "The stored JWT signing key is not an RS256 key. Call auth.api.rotateKeys(), or set `jwksRotateOnTokenGenerationError: true` in convex()",
  SIGNING_KEY_DECRYPTION_FAILED:
    "The JWT signing key could not be decrypted. BETTER_AUTH_SECRET differs from the secret the key was encrypted with; restore it or call auth.api.rotateKeys()",
  STATIC_JWKS_CANNOT_ROTATE:
    "Keys come from the static `jwks` option and cannot be rotated here. Remove the option, call auth.api.rotateKeys(), then export the new keys",
  NO_SIGNING_KEY: "The static `jwks` option holds no RS256 key. Re-export the keys with auth.api.getLatestJwks()",
  JWT_PLUGIN_ALG_CONFLICT:
    "Better Auth's jwt() plugin is set to create RS256 keys, which convex() cannot tell from its own in the shared jwks table",
  JWT_PLUGIN_SHARES_CONVEX_KEYS:
    "Better Auth's jwt() plugin reads convex()'s signing keys: pass it convexSafeJwtAdapter()",
});

/**
 * A key of {@link CONVEX_ERROR_CODES}.
 *
 * @example
 * ```ts
 * const code: ConvexErrorCode = "SESSION_REQUIRED";
 * ```
 */
export type ConvexErrorCode = keyof typeof CONVEX_ERROR_CODES;
