import { createRemoteJWKSet, customFetch, jwtVerify, type JWTVerifyGetKey } from "jose";
import { JWT_COOKIE_NAME } from "../plugins/convex/jwt-cookie.js";

// Must match what the convex() plugin mints (mint-convex-jwt.ts) and what
// getAuthConfigProvider() tells Convex to accept.
const CONVEX_JWT_AUDIENCE = "convex";
const CONVEX_JWT_ALGORITHMS = ["RS256"];

// How long a downloaded JWKS answers before it is fetched again. Not
// forever: a key the deployment removed (rotation after a leak) must stop
// verifying cookies on this server too, within minutes.
const JWKS_MAX_AGE_MS = 10 * 60 * 1000;
// A cookie naming a kid the cached JWKS lacks (a rotated-in key) triggers a
// refetch, at most once per this period, so forged kids cannot make every
// request download the JWKS. Inside the cooldown such a cookie just falls
// back to a fresh token.
const JWKS_REFETCH_COOLDOWN_MS = 30 * 1000;

/**
 * The names the `convex_jwt` cookie can have: Better Auth adds `__Secure-`
 * when its base URL is https. The secure one is tried first because an app
 * that moved to https can still hold a stale plain cookie.
 *
 * @example
 * ```ts
 * convexJwtCookieNames("better-auth"); // ["__Secure-better-auth.convex_jwt", "better-auth.convex_jwt"]
 * ```
 */
export function convexJwtCookieNames(cookiePrefix: string): string[] {
  const name = `${cookiePrefix}.${JWT_COOKIE_NAME}`;
  return [`__Secure-${name}`, name];
}

/**
 * Parse a `Cookie` request header into name → value (first occurrence wins,
 * as in browsers' most-specific-path-first order).
 *
 * @example
 * ```ts
 * parseCookieHeader("a=1; b=x%20y").get("b"); // "x y"
 * ```
 */
export function parseCookieHeader(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (!name || cookies.has(name)) continue;
    const raw = part.slice(eq + 1).trim();
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      value = raw;
    }
    cookies.set(name, value);
  }
  return cookies;
}

/**
 * Where and how cached Convex JWTs are checked.
 *
 * @internal
 */
export type CachedJwtVerifierOptions = {
  /** The `.convex.site` URL: the expected issuer and the JWKS host. */
  convexSiteUrl: string;
  basePath: string;
  /** Refuse tokens with fewer than this many seconds left. */
  expirationToleranceSeconds: number;
  /** Replaces `fetch` for the JWKS download. */
  fetch?: typeof fetch;
  /** Replaces the remote JWKS (tests). */
  keys?: JWTVerifyGetKey;
  /** Clock, in milliseconds. */
  now?: () => number;
};

/**
 * A function returning `token` when it is a Convex JWT this deployment
 * signed that still has more than the tolerance left, else undefined.
 *
 * @internal
 */
export type CachedJwtVerifier = (token: string) => Promise<string | undefined>;

/**
 * Build the check that decides whether a `convex_jwt` cookie may be used
 * instead of asking Convex for a token.
 *
 * A cookie is only a claim from the browser: it is used only when its
 * signature verifies (RS256 only, so `alg: none` and HMAC-with-the-public-key
 * tricks fail) against the deployment's JWKS at
 * `{convexSiteUrl}{basePath}/convex/jwks`, its issuer is the site URL, its
 * audience is `convex`, it has a subject, and it is not past `exp` minus the
 * tolerance. Anything else falls back to a fresh token.
 *
 * The JWKS is downloaded on first use and shared by every request this
 * verifier serves: refetched when older than 10 minutes, or when a cookie
 * names a key id it does not hold (after a key rotation), at most once per
 * 30 seconds; concurrent requests share one download. A failed download
 * only costs the fresh-token round trip.
 *
 * @see https://github.com/get-convex/better-auth/issues/374
 *
 * @example
 * ```ts
 * const verify = createCachedJwtVerifier({ convexSiteUrl, basePath: "/api/auth", expirationToleranceSeconds: 60 });
 * const token = await verify(cookieValue); // undefined when forged, foreign or expiring
 * ```
 */
export function createCachedJwtVerifier(options: CachedJwtVerifierOptions): CachedJwtVerifier {
  let keys = options.keys;
  const now = options.now ?? Date.now;
  const getKeys = (): JWTVerifyGetKey => {
    // Created on first use: a server that never sees the cookie never
    // downloads the JWKS.
    keys ??= createRemoteJWKSet(new URL(`${options.convexSiteUrl}${options.basePath}/convex/jwks`), {
      cacheMaxAge: JWKS_MAX_AGE_MS,
      cooldownDuration: JWKS_REFETCH_COOLDOWN_MS,
      ...(options.fetch ? { [customFetch]: options.fetch } : {}),
    });
    return keys;
  };
  return async (token) => {
    const nowMs = now();
    try {
      const { payload } = await jwtVerify(token, getKeys(), {
        issuer: options.convexSiteUrl,
        audience: CONVEX_JWT_AUDIENCE,
        algorithms: CONVEX_JWT_ALGORITHMS,
        currentDate: new Date(nowMs),
        // Convex refuses a token without these, so using one would only
        // cost a refused call.
        requiredClaims: ["exp", "sub"],
      });
      const exp = payload.exp as number;
      return exp - options.expirationToleranceSeconds > nowMs / 1000 ? token : undefined;
    } catch {
      return undefined;
    }
  };
}
