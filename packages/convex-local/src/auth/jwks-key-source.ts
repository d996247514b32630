/**
 * Finds the signing key for a token's `kid` in a provider's JWKS. A `kid`
 * missing from a cached JWKS triggers one refetch (the IdP may have rotated
 * its keys), at most once per {@link KID_MISS_REFRESH_INTERVAL_MS} per URL so
 * tokens with made-up `kid`s can't make the server hammer the IdP.
 */
import type { JWK } from "jose";
import { fetchWithHttpCache, type CachedResponse } from "./fetch-with-http-cache.ts";

/** Minimum time between two unknown-`kid` refetches of one JWKS URL. */
export const KID_MISS_REFRESH_INTERVAL_MS = 10_000;

const lastKidMissRefresh = new Map<string, number>();

/** Loads a JWKS document; `refresh` bypasses caches. Throws the provider-specific error on failure. */
export type JwksLoader = (refresh: boolean) => Promise<JWK[]>;

/**
 * A loader for JWKS URLs (or `data:` URIs, decoded with no MIME check) that
 * parses the body with `parse`, which throws the caller's errors.
 *
 * @example
 * const load = jwksLoader(url, (response) => JSON.parse(response.body).keys);
 */
export function jwksLoader(url: string, parse: (response: CachedResponse) => JWK[]): JwksLoader {
  return async (refresh) => {
    if (url.startsWith("data:")) return parse(decodeDataUri(url));
    return parse(await fetchWithHttpCache(url, { refresh }));
  };
}

/**
 * Decodes a `data:` URI into a response-like value (`application/json`, 200).
 *
 * @example
 * decodeDataUri("data:text/plain;charset=utf-8;base64,e30=").body; // "{}"
 */
export function decodeDataUri(uri: string): CachedResponse {
  const comma = uri.indexOf(",");
  const meta = comma === -1 ? "" : uri.slice("data:".length, comma);
  const data = comma === -1 ? "" : uri.slice(comma + 1);
  const body = /;base64$/i.test(meta) ? Buffer.from(data, "base64").toString("utf8") : decodeURIComponent(data);
  return { status: 200, statusText: "OK", contentType: "application/json", body };
}

/**
 * The keys that may have signed a token: those with its `kid`, or every key
 * when the token has no `kid` and `allowMissingKid` is set. Refetches once
 * (rate-limited) when nothing matches.
 *
 * @example
 * const keys = await findSigningKeys("https://idp/jwks", load, "key-1", false);
 */
export async function findSigningKeys(
  cacheKey: string,
  load: JwksLoader,
  kid: string | undefined,
  allowMissingKid: boolean,
): Promise<JWK[]> {
  const select = (keys: JWK[]) =>
    kid === undefined ? (allowMissingKid ? keys : []) : keys.filter((key) => key.kid === kid);
  const found = select(await load(false));
  if (found.length > 0 || kid === undefined || cacheKey.startsWith("data:")) return found;
  const now = Date.now();
  const last = lastKidMissRefresh.get(cacheKey);
  if (last !== undefined && now - last < KID_MISS_REFRESH_INTERVAL_MS) return found;
  lastKidMissRefresh.set(cacheKey, now);
  return select(await load(true));
}

/**
 * Forgets the unknown-`kid` refetch times (tests).
 *
 * @example
 * resetKidMissRateLimit();
 */
export function resetKidMissRateLimit(): void {
  lastKidMissRefresh.clear();
}
