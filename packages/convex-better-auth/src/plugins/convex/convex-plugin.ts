import type { AuthContext, BetterAuthPlugin } from "better-auth";
import { DEFAULT_BASE_PATH } from "../../auth-config/get-auth-config-provider.js";
import { createBearerSessionHook } from "./bearer-session-hook.js";
import { checkJwtPlugin } from "./check-jwt-plugin.js";
import { CONVEX_ERROR_CODES } from "./error-codes.js";
import { createFollowSessionCookieHook, createFollowSessionCookieOnResponse } from "./follow-session-cookie.js";
import { createGetLatestJwksEndpoint, createJwksEndpoint, createRotateKeysEndpoint } from "./jwks-endpoints.js";
import { createOpenIdConfigurationEndpoint } from "./openid-configuration-endpoint.js";
import { createPrefetchSigningKeysHook } from "./prefetch-signing-keys-hook.js";
import { resolveConvexOptions, type ResolvedConvexOptions } from "./resolve-options.js";
import { convexPluginSchema } from "./schema.js";
import { createTokenEndpoint } from "./token-endpoint.js";
import type { ConvexPluginOptions } from "./types.js";

function jwksPath(jwks: string): string {
  try {
    return new URL(jwks).pathname;
  } catch {
    // CONVEX_SITE_URL unset when auth.config.ts was evaluated: a bare path.
    return jwks;
  }
}

function startupWarnings(ctx: AuthContext, resolved: ResolvedConvexOptions): string[] {
  const warnings = [...resolved.warnings, ...checkJwtPlugin(ctx, resolved)];
  const mounted = ctx.options.basePath ?? DEFAULT_BASE_PATH;
  const mirrored = resolved.basePath ?? DEFAULT_BASE_PATH;
  if (mounted !== mirrored) {
    warnings.push(
      `Better Auth's basePath is "${mounted}" but convex({ options: { basePath } }) is "${mirrored}". ` +
        `Pass basePath: "${mounted}" to both convex({ options }) and getAuthConfigProvider().`,
    );
  }
  const { provider } = resolved;
  if ("type" in provider && provider.type === "customJwt" && !provider.jwks.startsWith("data:")) {
    const expected = `${mounted.replace(/\/+$/, "")}/convex/jwks`;
    if (jwksPath(provider.jwks) !== expected) {
      warnings.push(
        `convex/auth.config.ts fetches keys from "${provider.jwks}", but this Better Auth instance serves them at ` +
          `"<CONVEX_SITE_URL>${expected}". Pass basePath: "${mounted}" to getAuthConfigProvider().`,
      );
    }
  }
  return warnings;
}

/**
 * The Better Auth plugin that makes Better Auth an auth provider for Convex.
 *
 * It issues RS256 JWTs Convex accepts (`iss` = `CONVEX_SITE_URL`,
 * `aud` = `"convex"`, `sub` = user id, `sessionId`), keeps them in the
 * `convex_jwt` cookie for the session the browser holds, and serves the keys:
 *
 * - `GET  {basePath}/convex/token` — `{ token }` for the current session
 *   (`authClient.convex.token()`); 401 without one.
 * - `GET  {basePath}/convex/jwks` — the public JWK set.
 * - `GET  {basePath}/convex/.well-known/openid-configuration` — OIDC discovery.
 * - `auth.api.getLatestJwks()` / `auth.api.rotateKeys()` — server only.
 *
 * In-process `auth.api.*` calls (no `Request`) also accept
 * `Authorization: Bearer <session token>`, as built by the component client's
 * `getHeaders(ctx)`.
 *
 * Options are checked against `authConfig` at construction; mistakes throw a
 * `BetterAuthError` saying what to change. Next to Better Auth's `jwt()`
 * plugin (which `@better-auth/oauth-provider` and `mcp()` need), pass
 * `jwt({ adapter: convexSafeJwtAdapter() })` so the two keep their keys
 * apart.
 *
 * @param options - See {@link ConvexPluginOptions}.
 * @returns The plugin, id `"convex"`.
 * @throws BetterAuthError on invalid options (see `resolveConvexOptions`),
 * and when Better Auth initialises with a conflicting `jwt()` plugin (codes
 * `JWT_PLUGIN_ALG_CONFLICT`, `JWT_PLUGIN_SHARES_CONVEX_KEYS`).
 *
 * @example
 * ```ts
 * // convex/auth.ts
 * import { betterAuth } from "better-auth";
 * import { convex } from "convex-better-auth/plugins";
 * import authConfig from "./auth.config";
 *
 * export const createAuth = (ctx: GenericCtx<DataModel>) =>
 *   betterAuth({
 *     baseURL: process.env.SITE_URL,
 *     database: authComponent.adapter(ctx),
 *     emailAndPassword: { enabled: true },
 *     plugins: [convex({ authConfig, jwt: { expirationSeconds: 900 } })],
 *   });
 * ```
 */
export const convex = (options: ConvexPluginOptions) => {
  const resolved = resolveConvexOptions(options);
  return {
    id: "convex",
    init(ctx: AuthContext) {
      for (const warning of startupWarnings(ctx, resolved)) ctx.logger.warn(`[convex-better-auth] ${warning}`);
    },
    endpoints: {
      getConvexToken: createTokenEndpoint(resolved),
      getConvexJwks: createJwksEndpoint(resolved),
      getConvexOpenIdConfiguration: createOpenIdConfigurationEndpoint(resolved),
      getLatestJwks: createGetLatestJwksEndpoint(resolved),
      rotateKeys: createRotateKeysEndpoint(resolved),
    },
    hooks: {
      before: [createBearerSessionHook(), createPrefetchSigningKeysHook(resolved)],
      after: [createFollowSessionCookieHook(resolved)],
    },
    onResponse: createFollowSessionCookieOnResponse(resolved),
    schema: convexPluginSchema,
    $ERROR_CODES: CONVEX_ERROR_CODES,
    options,
  } satisfies BetterAuthPlugin;
};
