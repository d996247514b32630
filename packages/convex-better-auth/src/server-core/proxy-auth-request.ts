import { FRAMEWORK_ERROR_CODES } from "./errors.js";
import { getForwardedOrigin, setForwardedOriginHeaders } from "./forwarded-origin.js";

/**
 * Options of {@link proxyAuthRequest}.
 *
 * @example
 * ```ts
 * const options: ProxyAuthRequestOptions = { convexSiteUrl: "https://happy-otter-123.convex.site" };
 * ```
 */
export type ProxyAuthRequestOptions = {
  /** The deployment's `.convex.site` URL, without a trailing slash. */
  convexSiteUrl: string;
  /**
   * Replaces the global `fetch` (tests, instrumentation, or a framework's
   * no-store wrapper — the core sets no `cache` option because some runtimes
   * reject it).
   */
  fetch?: typeof fetch;
};

// RFC 9110 §7.6.1 connection-specific fields, which describe one hop and
// must not be forwarded, plus the non-standard ones proxies still emit.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

// The proxy's own request differs from the browser's in ways these describe:
// fetch sets Host from the URL and frames the streamed body itself.
const NOT_FORWARDED_UPSTREAM = new Set([
  "host",
  "content-length",
  // Asking for identity instead: fetch would decompress a gzip answer but
  // keep its Content-Encoding, and the browser would then fail to decode it.
  "accept-encoding",
  // Convex's edge routes on x-forwarded-host (and reads the rest with it);
  // the browser-facing values travel in x-better-auth-forwarded-* instead.
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "forwarded",
]);

// Statuses whose responses must not have a body (Response throws otherwise).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function isHopByHop(name: string, listedInConnection: Set<string>): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith("proxy-") || listedInConnection.has(name);
}

function connectionListed(headers: Headers): Set<string> {
  const listed = headers.get("connection") ?? "";
  return new Set(
    listed
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
}

/**
 * The headers the proxy sends to Convex for `request`.
 *
 * @internal
 *
 * @example
 * ```ts
 * const headers = buildUpstreamHeaders(request);
 * headers.get("x-better-auth-forwarded-host"); // "app.example.com"
 * ```
 */
export function buildUpstreamHeaders(request: Request): Headers {
  const listed = connectionListed(request.headers);
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (isHopByHop(lower, listed) || NOT_FORWARDED_UPSTREAM.has(lower)) return;
    headers.append(name, value);
  });
  headers.set("accept-encoding", "identity");
  setForwardedOriginHeaders(headers, getForwardedOrigin(request.headers, new URL(request.url)));
  return headers;
}

/**
 * The headers the proxy returns to the browser for Convex's `upstream`
 * response. Every `Set-Cookie` is appended on its own: joining them with
 * commas corrupts cookies whose `Expires` contains a comma.
 *
 * @internal
 *
 * @example
 * ```ts
 * const headers = buildDownstreamHeaders(upstream);
 * headers.getSetCookie(); // one entry per cookie Convex set
 * ```
 */
export function buildDownstreamHeaders(upstream: Response): Headers {
  const listed = connectionListed(upstream.headers);
  // fetch has already decoded an encoded body, so its length and encoding
  // headers describe bytes the browser will never see.
  const decoded = upstream.headers.has("content-encoding");
  const headers = new Headers();
  upstream.headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (lower === "set-cookie" || isHopByHop(lower, listed) || lower === "content-length") return;
    if (decoded && lower === "content-encoding") return;
    headers.append(name, value);
  });
  for (const cookie of upstream.headers.getSetCookie()) headers.append("set-cookie", cookie);
  return headers;
}

/**
 * Forward one Better Auth request (`{basePath}/*`) from the app's server to
 * the Convex site URL and stream the answer back: the web-standard core every
 * framework handler wraps.
 *
 * - Path and query are kept; request and response bodies are streamed.
 * - Hop-by-hop headers are dropped both ways; every `Set-Cookie` is kept.
 * - Redirects are not followed (`redirect: "manual"`), so the browser gets
 *   the 3xx and the cookies set with it (OAuth callbacks, magic links).
 * - The browser-facing host and scheme travel in `x-better-auth-forwarded-*`.
 * - When Convex cannot be reached the answer is a 502 with code
 *   `CONVEX_SITE_UNREACHABLE`.
 *
 * @param request - The incoming request, e.g. from a Next.js route handler.
 * @returns Convex's response, ready to return from the route.
 *
 * @example
 * ```ts
 * export const GET = (request: Request) =>
 *   proxyAuthRequest(request, { convexSiteUrl: process.env.CONVEX_SITE_URL! });
 * ```
 */
export async function proxyAuthRequest(request: Request, options: ProxyAuthRequestOptions): Promise<Response> {
  const incoming = new URL(request.url);
  const target = `${options.convexSiteUrl}${incoming.pathname}${incoming.search}`;
  const method = request.method.toUpperCase();
  const hasBody = method !== "GET" && method !== "HEAD" && request.body !== null;
  const init: RequestInit & { duplex?: "half" } = {
    method,
    headers: buildUpstreamHeaders(request),
    redirect: "manual",
    signal: request.signal,
  };
  if (hasBody) {
    init.body = request.body;
    init.duplex = "half";
  }
  let upstream: Response;
  try {
    upstream = await (options.fetch ?? fetch)(target, init);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return Response.json(
      {
        code: FRAMEWORK_ERROR_CODES.CONVEX_SITE_UNREACHABLE,
        message: `Could not reach the Convex site URL ${options.convexSiteUrl} (${reason}). Check convexSiteUrl and that the deployment is running.`,
      },
      { status: 502, headers: { "cache-control": "no-store" } },
    );
  }
  return new Response(NULL_BODY_STATUSES.has(upstream.status) ? null : upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: buildDownstreamHeaders(upstream),
  });
}
