import {
  convexJwtCookieNames,
  createCachedJwtVerifier,
  parseCookieHeader,
  type CachedJwtVerifier,
} from "./cached-convex-jwt.js";
import { fetchConvexToken } from "./fetch-convex-token.js";
import type { ResolvedServerOptions } from "./server-options.js";

/**
 * A Convex JWT and where it came from: the verified `convex_jwt` cookie or a
 * fresh `GET /convex/token`.
 *
 * @example
 * ```ts
 * const result: ConvexTokenResult = { token, source: "fresh" };
 * ```
 */
export type ConvexTokenResult = { token: string; source: "cookie" | "fresh" };

/**
 * Injection points of {@link createConvexTokenGetter}, for frameworks and tests.
 *
 * @internal
 */
export type ConvexTokenGetterDeps = {
  fetch?: typeof fetch;
  logger?: Pick<Console, "error">;
  rethrow?: (error: unknown) => void;
  /** Replaces the cookie verifier (tests). */
  verifier?: CachedJwtVerifier;
};

/**
 * Reads a Convex JWT for an incoming request.
 *
 * @internal
 */
export type ConvexTokenGetter = (
  incoming: Headers,
  options?: { forceRefresh?: boolean },
) => Promise<ConvexTokenResult | undefined>;

/**
 * Build the server-side token source shared by the Next.js and TanStack
 * Start helpers. Unless `jwtCache.enabled` is false (it is on by default) or
 * `forceRefresh` is set, a verified, unexpired `convex_jwt` cookie is used
 * with no network call (after the JWKS's first download); otherwise, or
 * when the cookie does not verify, a fresh token is fetched from Convex.
 *
 * @param resolved - Validated server options.
 * @returns `getToken(headers, { forceRefresh })`, resolving to undefined
 * when the request has no session.
 *
 * @example
 * ```ts
 * const getToken = createConvexTokenGetter(resolveServerOptions({ convexUrl, convexSiteUrl }));
 * const result = await getToken(request.headers);
 * ```
 */
export function createConvexTokenGetter(
  resolved: ResolvedServerOptions,
  deps: ConvexTokenGetterDeps = {},
): ConvexTokenGetter {
  const cookieNames = convexJwtCookieNames(resolved.cookiePrefix);
  const verify =
    deps.verifier ??
    createCachedJwtVerifier({
      convexSiteUrl: resolved.convexSiteUrl,
      basePath: resolved.basePath,
      expirationToleranceSeconds: resolved.jwtCache.expirationToleranceSeconds,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
  return async (incoming, options = {}) => {
    if (resolved.jwtCache.enabled && !options.forceRefresh) {
      const cookies = parseCookieHeader(incoming.get("cookie"));
      for (const name of cookieNames) {
        const value = cookies.get(name);
        const token = value ? await verify(value) : undefined;
        if (token) return { token, source: "cookie" };
      }
    }
    const token = await fetchConvexToken(incoming, {
      convexSiteUrl: resolved.convexSiteUrl,
      basePath: resolved.basePath,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...(deps.rethrow ? { rethrow: deps.rethrow } : {}),
    });
    return token ? { token, source: "fresh" } : undefined;
  };
}
