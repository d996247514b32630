/**
 * A real HTTP server on 127.0.0.1 for the framework helpers' tests: the
 * proxy and token code run their real `fetch` against it, so header framing
 * (chunked bodies, hop-by-hop headers, repeated Set-Cookie) is what a
 * network peer sees. Test-only; no entry point exports it.
 *
 * @internal
 * @module
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the server received it off the wire. */
export type RecordedRequest = {
  method: string;
  /** Path and query. */
  url: string;
  /** Lower-cased names; repeated headers joined by Node. */
  headers: IncomingHttpHeaders;
  /** Raw `[name, value, name, value…]` as sent. */
  rawHeaders: string[];
  body: string;
};

/** A running test server. */
export type TestHttpServer = {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  requests: RecordedRequest[];
  close: () => Promise<void>;
};

/**
 * Serve `handle` (a web-standard handler) on an ephemeral port.
 *
 * @example
 * ```ts
 * const server = await startTestHttpServer(() => new Response("ok"));
 * await fetch(`${server.url}/x`);
 * server.requests[0]?.url; // "/x"
 * ```
 */
export async function startTestHttpServer(
  handle: (request: Request, recorded: RecordedRequest) => Response | Promise<Response>,
): Promise<TestHttpServer> {
  const requests: RecordedRequest[] = [];
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const method = req.method ?? "GET";
      const recorded: RecordedRequest = {
        method,
        url: req.url ?? "/",
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: body.toString("utf8"),
      };
      requests.push(recorded);
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
      const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${recorded.url}`, {
        method,
        headers,
        ...(method === "GET" || method === "HEAD" ? {} : { body }),
      });
      const response = await handle(request, recorded);
      const out: Record<string, string | string[]> = {};
      response.headers.forEach((value, name) => {
        if (name !== "set-cookie") out[name] = value;
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) out["set-cookie"] = cookies;
      res.writeHead(response.status, response.statusText, out);
      const reader = response.body?.getReader();
      for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) res.write(chunk.value);
      res.end();
    } catch (error) {
      res.writeHead(599);
      res.end(String(error));
    }
  };
  // serve answers its own errors (599), so nothing is left to reject.
  const server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}`, requests, close };
}

/**
 * A port nothing listens on (bound, then released).
 *
 * @example
 * ```ts
 * const url = `http://127.0.0.1:${await unusedPort()}`;
 * ```
 */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The header values under `name` in raw wire order.
 *
 * @example
 * ```ts
 * rawHeaderValues(server.requests[0]!, "cookie");
 * ```
 */
export function rawHeaderValues(request: RecordedRequest, name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i]!.toLowerCase() === name.toLowerCase()) values.push(request.rawHeaders[i + 1]!);
  }
  return values;
}
