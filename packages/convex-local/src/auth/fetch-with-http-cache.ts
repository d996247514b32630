/**
 * GETs for IdP documents (OIDC discovery, JWKS) through an in-memory cache
 * that follows `Cache-Control: max-age` / `Expires`, like the HTTP cache the
 * backend routes these fetches through. A response without cache headers is
 * not reused, so a key rotation at such an IdP shows up on the next token.
 */

/** A fetched document: what validation needs from the response. */
export type CachedResponse = {
  status: number;
  statusText: string;
  contentType: string | null;
  body: string;
};

type Entry = { response: CachedResponse; fetchedAt: number; freshUntil: number };

const cache = new Map<string, Entry>();
const inFlight = new Map<string, Promise<CachedResponse>>();

function freshnessMs(headers: Headers, now: number): number {
  const cacheControl = (headers.get("cache-control") ?? "").toLowerCase();
  if (/\bno-store\b|\bno-cache\b/.test(cacheControl)) return 0;
  const maxAge = /\bmax-age\s*=\s*(\d+)/.exec(cacheControl);
  if (maxAge) return Number(maxAge[1]) * 1000;
  const expires = headers.get("expires");
  if (expires !== null) {
    const at = Date.parse(expires);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  return 0;
}

/**
 * GETs `url` (with `Accept: application/json`), answering from the cache
 * while the last successful response is fresh. `refresh` skips the cache.
 * Concurrent fetches of one URL share one request.
 *
 * @example
 * const { status, body } = await fetchWithHttpCache("https://idp.example/.well-known/jwks.json");
 */
export async function fetchWithHttpCache(url: string, options: { refresh?: boolean } = {}): Promise<CachedResponse> {
  const now = Date.now();
  const entry = cache.get(url);
  if (!options.refresh && entry !== undefined && entry.freshUntil > now) return entry.response;
  const pending = inFlight.get(url);
  if (pending !== undefined) return await pending;
  const request = (async () => {
    const response = await fetch(url, { headers: { accept: "application/json" }, redirect: "follow" });
    const cached: CachedResponse = {
      status: response.status,
      statusText: response.statusText,
      contentType: response.headers.get("content-type"),
      body: await response.text(),
    };
    const fetchedAt = Date.now();
    if (response.ok)
      cache.set(url, { response: cached, fetchedAt, freshUntil: fetchedAt + freshnessMs(response.headers, fetchedAt) });
    else cache.delete(url);
    return cached;
  })();
  inFlight.set(url, request);
  try {
    return await request;
  } finally {
    inFlight.delete(url);
  }
}

/**
 * Forgets every cached response (tests, or after the auth config changed).
 *
 * @example
 * clearHttpCache();
 */
export function clearHttpCache(): void {
  cache.clear();
}
