/**
 * Header a framework proxy uses to pass the browser-facing host to Convex.
 * Proxies must not rewrite `x-forwarded-host` itself: Convex's edge routes
 * on it (the prior art's proxy broke when that started).
 */
export const FORWARDED_HOST_HEADER = "x-better-auth-forwarded-host";
/** Companion of {@link FORWARDED_HOST_HEADER} for the scheme. */
export const FORWARDED_PROTO_HEADER = "x-better-auth-forwarded-proto";

/**
 * Restores the proxy's dedicated forwarding headers into the standard ones
 * Better Auth reads, inside the Convex HTTP action.
 */
export function restoreForwardedHeaders(request: Request): Request {
  const host = request.headers.get(FORWARDED_HOST_HEADER);
  const proto = request.headers.get(FORWARDED_PROTO_HEADER);
  if (!host && !proto) return request;
  const headers = new Headers(request.headers);
  if (host) headers.set("x-forwarded-host", host);
  if (proto) headers.set("x-forwarded-proto", proto);
  headers.delete(FORWARDED_HOST_HEADER);
  headers.delete(FORWARDED_PROTO_HEADER);
  return new Request(request, { headers, duplex: "half" } as RequestInit);
}
