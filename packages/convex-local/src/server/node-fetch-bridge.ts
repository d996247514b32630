import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

/**
 * Converts a Node request into a WHATWG `Request`, so handlers written
 * against web standards (HTTP actions) can serve the site port. The URL is
 * the scheme (from `X-Forwarded-Proto`, else http) plus the `Host` header
 * plus the original path, as the real backend builds it.
 *
 * `stripPrefix` removes a routing prefix (the cloud port serves HTTP
 * actions under `/http`).
 *
 * @example
 * ```ts
 * const request = toWebRequest(req);
 * ```
 */
export function toWebRequest(req: IncomingMessage, stripPrefix = ""): Request {
  const proto = String(req.headers["x-forwarded-proto"] ?? "http").split(",")[0].trim();
  const target = req.url ?? "/";
  const pathAndQuery = stripPrefix && target.startsWith(stripPrefix) ? target.slice(stripPrefix.length) || "/" : target;
  const url = `${proto}://${req.headers.host ?? "127.0.0.1"}${pathAndQuery.startsWith("/") ? "" : "/"}${pathAndQuery}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD" && method !== "OPTIONS";
  return new Request(url, {
    method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
}

/**
 * Writes a WHATWG `Response` to a Node response, streaming the body.
 *
 * A handler may answer before reading the request body (a 413 judged from
 * `Content-Length`). Left unread on a keep-alive socket, that body stalls
 * the connection: the next request a client sends on it is never parsed.
 * Such a response therefore closes the connection, as HTTP servers do.
 *
 * @example
 * ```ts
 * await writeWebResponse(res, new Response("hi"));
 * ```
 */
export async function writeWebResponse(res: ServerResponse, response: Response, method = "GET"): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === "set-cookie") return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  if (res.req !== undefined && !res.req.complete) headers.connection = "close";
  res.writeHead(response.status, response.statusText, headers);
  if (!response.body || method === "HEAD") {
    res.end();
    return;
  }
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
  res.end();
}
