import { BetterAuthError, type AuthContext } from "better-auth";
import type { JwtOptions } from "better-auth/plugins";
import { CONVEX_ERROR_CODES, type ConvexErrorCode } from "./error-codes.js";
import { CONVEX_JWT_ALG } from "./jwks-store.js";
import type { ResolvedConvexOptions } from "./resolve-options.js";

/**
 * A startup error of `convex()` carrying one of {@link CONVEX_ERROR_CODES}
 * as `code`, so callers can branch on it without parsing the message.
 */
function startupError(code: ConvexErrorCode, detail: string): BetterAuthError {
  const error = new BetterAuthError(
    `[convex-better-auth] ${code}: ${CONVEX_ERROR_CODES[code].message}. ${detail}`,
  ) as BetterAuthError & { code: ConvexErrorCode };
  error.code = code;
  return error;
}

const SAFE_SETUP = 'jwt({ jwks: { keyPairConfig: { alg: "ES256" } }, adapter: convexSafeJwtAdapter() })';

/**
 * Check Better Auth's `jwt()` plugin, when present, against `convex()`: both
 * keep signing keys in the `jwks` table, and `convex()` owns the RS256 rows
 * and the rows without `alg`.
 *
 * @returns Warnings for the startup log.
 * @throws BetterAuthError with `code` `JWT_PLUGIN_ALG_CONFLICT` when `jwt()`
 * creates RS256 keys (the two plugins' keys could not be told apart), and
 * `JWT_PLUGIN_SHARES_CONVEX_KEYS` when `jwt()` reads the whole table next to
 * the OAuth provider, which would then sign OAuth tokens with the Convex key.
 *
 * @example
 * ```ts
 * for (const warning of checkJwtPlugin(ctx, resolved)) ctx.logger.warn(warning);
 * ```
 */
export function checkJwtPlugin(ctx: AuthContext, resolved: ResolvedConvexOptions): string[] {
  // Static keys never touch the table, so nothing of ours is in it.
  if (resolved.staticJwks) return [];
  const jwtPlugin = ctx.getPlugin("jwt") as { options?: JwtOptions } | null;
  if (!jwtPlugin) return [];
  const options = jwtPlugin.options;
  // A custom signer holds its keys elsewhere.
  if (options?.jwt?.sign) return [];
  const algs = [
    options?.jwks?.keyPairConfig?.alg ?? "EdDSA",
    ...(options?.jwks?.keyPairConfigs ?? []).map((c) => c.alg),
  ];
  if (algs.includes(CONVEX_JWT_ALG)) {
    throw startupError(
      "JWT_PLUGIN_ALG_CONFLICT",
      `Use ${SAFE_SETUP}, or EdDSA (jwt()'s default) if Convex need not accept its tokens.`,
    );
  }
  // A custom getJwks (ours or the app's own keyring) does not read every row.
  if (options?.adapter?.getJwks) return [];
  const detail =
    `Without it jwt() signs with the Convex key when it has no key of its own and publishes that key at its /jwks. ` +
    `Use ${SAFE_SETUP}.`;
  if (ctx.hasPlugin("oauth-provider")) throw startupError("JWT_PLUGIN_SHARES_CONVEX_KEYS", detail);
  return [`${CONVEX_ERROR_CODES.JWT_PLUGIN_SHARES_CONVEX_KEYS.code}: ${detail}`];
}
