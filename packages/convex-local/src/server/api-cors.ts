/**
 * CORS on the cloud origin's `/api/*`, answered the way Convex's backend
 * answers it. The backend puts tower-http's `CorsLayer` in front of these
 * routes (`crates/local_backend/src/router.rs`, `cors()`): the request's
 * `Origin` and `Access-Control-Request-Headers` are mirrored, credentials are
 * allowed, methods GET, POST, OPTIONS, PATCH, DELETE, PUT, max-age one day,
 * and every `OPTIONS` is answered `200` with an empty body before routing.
 * Convex auth travels in the `Authorization` header, never in cookies, so a
 * mirrored origin with credentials lets a page read only what it could
 * already fetch with the token it holds.
 *
 * The site origin (HTTP actions, and `/http/*` here) gets none of this: the
 * app's `http.ts` routes `OPTIONS` and sets its own CORS headers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

const ALLOWED_METHODS = "GET,POST,OPTIONS,PATCH,DELETE,PUT";
const VARY = "origin, access-control-request-method, access-control-request-headers";
const MAX_AGE_SECONDS = "86400";

/**
 * The CORS headers every `/api/*` response carries.
 *
 * @example
 * ```ts
 * res.writeHead(200, { "content-type": "application/json", ...apiCorsHeaders(req) });
 * ```
 */
export function apiCorsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return {
    ...(origin ? { "access-control-allow-origin": origin } : {}),
    "access-control-allow-credentials": "true",
    vary: VARY,
  };
}

/**
 * Answers an `OPTIONS` request to `/api/*` (a preflight) without routing it.
 *
 * @example
 * ```ts
 * if (method === "OPTIONS" && pathname.startsWith("/api/")) return writeApiPreflight(req, res);
 * ```
 */
export function writeApiPreflight(req: IncomingMessage, res: ServerResponse): void {
  const requested = req.headers["access-control-request-headers"];
  res.writeHead(200, {
    ...apiCorsHeaders(req),
    "access-control-allow-methods": ALLOWED_METHODS,
    ...(requested ? { "access-control-allow-headers": String(requested) } : {}),
    "access-control-max-age": MAX_AGE_SECONDS,
    "content-length": "0",
  });
  res.end();
}
