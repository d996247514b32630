import { FORWARDED_HOST_HEADER, FORWARDED_PROTO_HEADER } from "../auth-component/forwarded-headers.js";

/**
 * The browser-facing host and scheme of an incoming request.
 *
 * @internal
 */
export type ForwardedOrigin = { host?: string; proto?: string };

function firstValue(value: string | null): string | undefined {
  const first = value?.split(",")[0]?.trim();
  return first ? first : undefined;
}

/**
 * The host and scheme the browser used, as Better Auth would compute them
 * without the proxy in between: a front proxy's `x-forwarded-*` first (Next.js
 * and Vercel set them), then the `Host` header, then the request URL.
 *
 * @param headers - The incoming request's headers.
 * @param url - The incoming request's URL, when known.
 *
 * @example
 * ```ts
 * getForwardedOrigin(request.headers, new URL(request.url)); // { host: "app.example.com", proto: "https" }
 * ```
 */
export function getForwardedOrigin(headers: Headers, url?: URL): ForwardedOrigin {
  const host = firstValue(headers.get("x-forwarded-host")) ?? firstValue(headers.get("host")) ?? url?.host;
  const protoHeader = firstValue(headers.get("x-forwarded-proto"))?.toLowerCase();
  const proto = protoHeader === "http" || protoHeader === "https" ? protoHeader : url?.protocol.replace(/:$/, "");
  return { ...(host ? { host } : {}), ...(proto ? { proto } : {}) };
}

/**
 * Put the original host and scheme in the dedicated
 * `x-better-auth-forwarded-*` headers, replacing whatever the client sent in
 * them: `registerRoutes` turns them back into `x-forwarded-*` inside Convex,
 * so a client-supplied value would let a caller pick the origin Better Auth
 * sees. `x-forwarded-host` itself is never set, because Convex's edge routes
 * on it and answers an empty 404 for a foreign host.
 *
 * @see https://github.com/get-convex/better-auth/issues/422
 *
 * @example
 * ```ts
 * setForwardedOriginHeaders(upstreamHeaders, getForwardedOrigin(request.headers, new URL(request.url)));
 * ```
 */
export function setForwardedOriginHeaders(headers: Headers, origin: ForwardedOrigin): void {
  headers.delete(FORWARDED_HOST_HEADER);
  headers.delete(FORWARDED_PROTO_HEADER);
  if (origin.host) headers.set(FORWARDED_HOST_HEADER, origin.host);
  if (origin.proto) headers.set(FORWARDED_PROTO_HEADER, origin.proto);
}
