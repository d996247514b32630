import { BetterAuthError } from "better-auth";

/**
 * The validated site URLs of `crossDomain({ siteUrl })`: `urls[0]` is the
 * default, `origins[i]` is the origin of `urls[i]`.
 *
 * @internal
 *
 * @example
 * ```ts
 * const sites: SiteUrls = { urls: ["http://localhost:5173/app"], origins: ["http://localhost:5173"] };
 * ```
 */
export type SiteUrls = { urls: string[]; origins: string[] };

function configError(message: string): BetterAuthError {
  return new BetterAuthError(`[convex-better-auth] crossDomain(): ${message}`);
}

/**
 * Check and normalise the `siteUrl` option. Runs when Better Auth
 * initialises (the first request), not when `createAuth` is called, so that
 * Convex can analyse `http.ts` before `SITE_URL` is set.
 *
 * @throws BetterAuthError when `siteUrl` is missing, empty or not an absolute http(s) URL.
 *
 * @example
 * ```ts
 * resolveSiteUrls(["http://localhost:5173"]).origins; // ["http://localhost:5173"]
 * ```
 */
export function resolveSiteUrls(siteUrl: unknown): SiteUrls {
  const list: unknown[] = Array.isArray(siteUrl) ? siteUrl : [siteUrl];
  if (list.length === 0 || list.some((url) => typeof url !== "string" || url.trim() === "")) {
    throw configError(
      "`siteUrl` is missing or empty. Pass the URL your app is served from, e.g. " +
        "crossDomain({ siteUrl: process.env.SITE_URL! }) after `npx convex env set SITE_URL http://localhost:5173`.",
    );
  }
  const urls: string[] = [];
  const origins: string[] = [];
  for (const raw of list as string[]) {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      throw configError(
        `\`siteUrl\` "${raw}" is not an absolute URL. Use the full URL, e.g. "https://app.example.com".`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw configError(`\`siteUrl\` "${raw}" must be an http(s) URL. Native apps use @better-auth/expo instead.`);
    }
    if (origins.includes(url.origin)) continue;
    urls.push(raw.trim());
    origins.push(url.origin);
  }
  return { urls, origins };
}

/**
 * The origins of a `siteUrl` option, without throwing: what `registerRoutes`
 * allows through CORS before Better Auth has initialised. Invalid entries are
 * left out (Better Auth reports them on the first request).
 *
 * @example
 * ```ts
 * siteOriginsOf("http://localhost:5173/app"); // ["http://localhost:5173"]
 * ```
 */
export function siteOriginsOf(siteUrl: unknown): string[] {
  const list: unknown[] = Array.isArray(siteUrl) ? siteUrl : [siteUrl];
  const origins: string[] = [];
  for (const raw of list) {
    if (typeof raw !== "string") continue;
    try {
      const { origin } = new URL(raw.trim());
      if (origin !== "null" && !origins.includes(origin)) origins.push(origin);
    } catch {
      // Reported by resolveSiteUrls when Better Auth initialises.
    }
  }
  return origins;
}

/**
 * The site a request belongs to: the one whose origin is the request's
 * `Origin`, else the first.
 *
 * @example
 * ```ts
 * siteFor(sites, request.headers.get("origin"));
 * ```
 */
export function siteFor(sites: SiteUrls, origin: string | null | undefined): string {
  const index = origin ? sites.origins.indexOf(origin) : -1;
  return sites.urls[index === -1 ? 0 : index]!;
}

/**
 * Whether `value` is a path on the current host (`/x`), as opposed to an
 * absolute URL or a protocol-relative one (`//evil.example`, `/\evil.example`),
 * which must be left for Better Auth's origin check to judge.
 *
 * @example
 * ```ts
 * isSitePath("/dashboard"); // true
 * isSitePath("//evil.example"); // false
 * ```
 */
export function isSitePath(value: unknown): value is string {
  return typeof value === "string" && /^\/(?![/\\])/.test(value);
}

/**
 * `value` made absolute on `site` when it is a path; anything else unchanged.
 *
 * @example
 * ```ts
 * absoluteOnSite("/dashboard", "http://localhost:5173"); // "http://localhost:5173/dashboard"
 * ```
 */
export function absoluteOnSite<T>(value: T, site: string): T | string {
  return isSitePath(value) ? new URL(value, site).toString() : value;
}
