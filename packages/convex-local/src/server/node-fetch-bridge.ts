import type { IncomingMessage, ServerResponse } from "node:http";

/** The iterator a request's body stream reads through, once a handler has started reading it. */
const bodyReaders = new WeakMap<IncomingMessage, AsyncIterator<Buffer>>();

/**
 * The request body as a pull-based stream: nothing is read from the socket
 * until the handler reads, and a handler that stops (or never starts) leaves
 * the rest to {@link writeWebResponse} to drain. Cancelling does not destroy
 * the request, which would reset the connection under a client still
 * uploading.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let reader = bodyReaders.get(req);
      if (reader === undefined) {
        reader = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        bodyReaders.set(req, reader);
      }
      const { value, done } = await reader.next();
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    },
  });
}

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
  const proto = String(req.headers["x-forwarded-proto"] ?? "http")
    .split(",")[0]
    .trim();
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
    ...(hasBody ? { body: bodyStream(req), duplex: "half" } : {}),
  } as RequestInit);
}

/**
 * Writes a WHATWG `Response` to a Node response, streaming the body.
 *
 * A handler may answer before reading the request body (a 413 judged from
 * `Content-Length`). Left unread on a keep-alive socket, that body stalls
 * the connection: the next request a client sends on it is never parsed.
 * Closing the socket instead makes a client still uploading fail with
 * EPIPE before it reads the answer. So the rest of the body is read and
 * dropped, as Node's own server does; past {@link MAX_DISCARDED_BYTES} the
 * connection is closed after all.
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
  res.writeHead(response.status, response.statusText, headers);
  if (response.body && method !== "HEAD") {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
  }
  res.end();
  if (res.req !== undefined && !res.req.complete) discardRest(res.req);
}

/** Request body bytes read and dropped after an early answer before the connection is closed instead. */
export const MAX_DISCARDED_BYTES = 16 * 1024 * 1024;

function discardRest(req: IncomingMessage): void {
  // Keep reading through the body stream's own iterator when the handler
  // started one: a second reader on the same request would get nothing.
  const reader = bodyReaders.get(req) ?? (req[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  void (async () => {
    for (let discarded = 0; discarded <= MAX_DISCARDED_BYTES;) {
      const { value, done } = await reader.next();
      if (done) return;
      discarded += value.length;
    }
    req.socket.destroy();
  })().catch(() => req.socket.destroy());
}
