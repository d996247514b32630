import { ConvexBetterAuthFrameworkError } from "./errors.js";

/**
 * Reuse of the `convex_jwt` cookie on the server instead of asking Convex
 * for a fresh token on every request. On by default: a server-rendered page
 * whose browser holds a valid cookie makes no `GET /convex/token` round trip.
 *
 * The cookie is only a claim from the browser, so it is used only when its
 * RS256 signature verifies against the deployment's JWKS, its issuer is
 * `convexSiteUrl`, its audience is `convex`, and it has more than
 * `expirationToleranceSeconds` left before `exp`. It is never used past
 * `exp`. Revocation is still enforced where it matters: a cached JWT can
 * outlive its session, but `getAuthUser` in Convex checks the session, so
 * the user is gone on the next Convex call.
 *
 * @example
 * ```ts
 * // Always ask Convex for a fresh token instead:
 * convexBetterAuthNextJs({ convexUrl, convexSiteUrl, jwtCache: { enabled: false } });
 * ```
 */
export type JwtCacheOptions = {
  /**
   * Read the verified `convex_jwt` cookie before calling `GET /convex/token`.
   *
   * @default true
   */
  enabled?: boolean;
  /**
   * Treat the cookie as expired this many seconds before its `exp`, so a
   * token about to lapse is refreshed instead of handed to the page. It can
   * only shorten a token's life: a token past `exp` is never used, and
   * negative values count as 0. (In `@convex-dev/better-auth` the same
   * option accepted tokens up to this long *after* `exp`; here it never
   * does, because Convex would refuse them.)
   *
   * @default 60
   */
  expirationToleranceSeconds?: number;
  /**
   * Whether an error from a `fetchAuth*` / `preloadAuthQuery` call made with
   * the cached cookie means the token was not good enough, so the call is
   * worth repeating once with a fresh token (a cached JWT can outlive a
   * revoked session).
   *
   * It can only narrow what is retried, never widen it: a query is retried
   * when this returns true; a mutation or action only when, in addition,
   * Convex refused the token with HTTP 401 before running the function. A
   * mutation or action that ran (and then threw anything, even your own
   * `Error("Unauthorized")`) is never run twice.
   *
   * @default {@link isConvexAuthError}
   */
  isAuthError?: (error: unknown) => boolean;
};

/**
 * Options shared by `convexBetterAuthNextJs` and `convexBetterAuthReactStart`.
 *
 * @example
 * ```ts
 * const options: ConvexBetterAuthServerOptions = {
 *   convexUrl: process.env.NEXT_PUBLIC_CONVEX_URL!,
 *   convexSiteUrl: process.env.NEXT_PUBLIC_CONVEX_SITE_URL!,
 * };
 * ```
 */
export type ConvexBetterAuthServerOptions = {
  /** The deployment URL, `https://<name>.convex.cloud` (functions). */
  convexUrl: string;
  /** The HTTP actions URL, `https://<name>.convex.site` (Better Auth and the JWT issuer). */
  convexSiteUrl: string;
  /**
   * Better Auth's `basePath`, as configured in `createAuth`.
   *
   * @default "/api/auth"
   */
  basePath?: string;
  /**
   * Better Auth's `advanced.cookiePrefix`, used to find the `convex_jwt` cookie.
   *
   * @default "better-auth"
   */
  cookiePrefix?: string;
  /**
   * Reuse the verified `convex_jwt` cookie (on by default; `{ enabled: false }`
   * turns it off).
   */
  jwtCache?: JwtCacheOptions;
};

/**
 * {@link ConvexBetterAuthServerOptions} validated, defaulted and normalised
 * (no trailing slashes).
 *
 * @internal
 */
export type ResolvedServerOptions = {
  convexUrl: string;
  convexSiteUrl: string;
  basePath: string;
  cookiePrefix: string;
  jwtCache: { enabled: boolean; expirationToleranceSeconds: number; isAuthError?: (error: unknown) => boolean };
};

const DEFAULT_TOLERANCE_SECONDS = 60;

function parseHttpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Validate the site URL: Better Auth runs in Convex HTTP actions, which only
 * the `.convex.site` origin serves, and it is the issuer of every Convex JWT.
 *
 * @throws ConvexBetterAuthFrameworkError `INVALID_CONVEX_SITE_URL`.
 *
 * @example
 * ```ts
 * normalizeConvexSiteUrl("https://happy-otter-123.convex.site/"); // "https://happy-otter-123.convex.site"
 * ```
 */
export function normalizeConvexSiteUrl(convexSiteUrl: string | undefined): string {
  const value = typeof convexSiteUrl === "string" ? convexSiteUrl.trim() : "";
  if (value === "") {
    throw new ConvexBetterAuthFrameworkError(
      "INVALID_CONVEX_SITE_URL",
      "convexSiteUrl is empty. Pass the deployment's HTTP actions URL (https://<name>.convex.site); with Next.js it is usually process.env.NEXT_PUBLIC_CONVEX_SITE_URL, which may not be set.",
    );
  }
  const url = parseHttpUrl(value);
  if (!url) {
    throw new ConvexBetterAuthFrameworkError(
      "INVALID_CONVEX_SITE_URL",
      `convexSiteUrl "${value}" is not an http(s) URL. Pass the deployment's HTTP actions URL (https://<name>.convex.site).`,
    );
  }
  if (url.hostname.endsWith(".convex.cloud")) {
    throw new ConvexBetterAuthFrameworkError(
      "INVALID_CONVEX_SITE_URL",
      `convexSiteUrl "${value}" is the .convex.cloud URL. Use the .convex.site URL (${value.replace(".convex.cloud", ".convex.site")}): Better Auth runs in HTTP actions, which only .convex.site serves.`,
    );
  }
  return value.replace(/\/+$/, "");
}

/**
 * Validate the deployment URL the `fetchAuth*` helpers call.
 *
 * @throws ConvexBetterAuthFrameworkError `INVALID_CONVEX_URL`.
 *
 * @example
 * ```ts
 * normalizeConvexUrl("https://happy-otter-123.convex.cloud");
 * ```
 */
export function normalizeConvexUrl(convexUrl: string | undefined): string {
  const value = typeof convexUrl === "string" ? convexUrl.trim() : "";
  if (value === "") {
    throw new ConvexBetterAuthFrameworkError(
      "INVALID_CONVEX_URL",
      "convexUrl is empty. Pass the deployment URL (https://<name>.convex.cloud); with Next.js it is usually process.env.NEXT_PUBLIC_CONVEX_URL, which may not be set.",
    );
  }
  const url = parseHttpUrl(value);
  if (!url) {
    throw new ConvexBetterAuthFrameworkError("INVALID_CONVEX_URL", `convexUrl "${value}" is not an http(s) URL.`);
  }
  if (url.hostname.endsWith(".convex.site")) {
    throw new ConvexBetterAuthFrameworkError(
      "INVALID_CONVEX_URL",
      `convexUrl "${value}" is the .convex.site URL. Use the .convex.cloud URL for convexUrl and pass the .convex.site one as convexSiteUrl.`,
    );
  }
  return value.replace(/\/+$/, "");
}

/**
 * Validate and default the shared server options. Runs at construction so a
 * misconfiguration fails at startup, not on the first signed-in request.
 *
 * @throws ConvexBetterAuthFrameworkError `INVALID_CONVEX_URL`, `INVALID_CONVEX_SITE_URL` or `INVALID_BASE_PATH`.
 *
 * @example
 * ```ts
 * const resolved = resolveServerOptions({ convexUrl, convexSiteUrl });
 * resolved.basePath; // "/api/auth"
 * ```
 */
export function resolveServerOptions(options: ConvexBetterAuthServerOptions): ResolvedServerOptions {
  const convexSiteUrl = normalizeConvexSiteUrl(options.convexSiteUrl);
  const convexUrl = normalizeConvexUrl(options.convexUrl);
  const rawBasePath = options.basePath ?? "/api/auth";
  if (!rawBasePath.startsWith("/")) {
    throw new ConvexBetterAuthFrameworkError(
      "INVALID_BASE_PATH",
      `basePath "${rawBasePath}" must start with "/" and match Better Auth's basePath (default "/api/auth").`,
    );
  }
  const basePath = rawBasePath.replace(/\/+$/, "");
  const tolerance = options.jwtCache?.expirationToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  return {
    convexUrl,
    convexSiteUrl,
    basePath,
    cookiePrefix: options.cookiePrefix ?? "better-auth",
    jwtCache: {
      // On unless explicitly turned off: a verified cookie saves a round trip
      // to Convex per server render, and verification keeps forged ones out.
      enabled: options.jwtCache?.enabled !== false,
      // Only ever shortens a token's life: see JwtCacheOptions.
      expirationToleranceSeconds: Number.isFinite(tolerance) ? Math.max(0, tolerance) : DEFAULT_TOLERANCE_SECONDS,
      ...(options.jwtCache?.isAuthError ? { isAuthError: options.jwtCache.isAuthError } : {}),
    },
  };
}
