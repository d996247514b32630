import { APIError } from "better-auth/api";
import { CONVEX_ERROR_CODES } from "./error-codes.js";

/**
 * The deployment's HTTP actions URL, `process.env.CONVEX_SITE_URL`, without a
 * trailing slash. It is the JWT issuer and the root of the discovery URLs.
 *
 * Read per request rather than at construction: `createAuth` is also built
 * outside Convex (schema generation, tests) where the variable may be unset
 * and no token is minted.
 *
 * @returns The site URL, e.g. `https://happy-otter-123.convex.site`.
 * @throws APIError `INTERNAL_SERVER_ERROR` with code `CONVEX_SITE_URL_MISSING`
 * when the variable is unset.
 *
 * @example
 * ```ts
 * const issuer = getConvexSiteUrl();
 * ```
 */
export function getConvexSiteUrl(): string {
  const siteUrl = process.env.CONVEX_SITE_URL;
  if (!siteUrl) throw APIError.from("INTERNAL_SERVER_ERROR", CONVEX_ERROR_CODES.CONVEX_SITE_URL_MISSING);
  return siteUrl.replace(/\/+$/, "");
}
