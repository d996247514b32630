/**
 * Regression: a handler that answered 413 from `Content-Length` without
 * reading the body left 2 MB unread on a keep-alive socket; the next request
 * a client sent on that socket was never parsed, and failed when the server
 * closed the idle connection seconds later.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { closeServer, listen } from "./listen.ts";
import { toWebRequest, writeWebResponse } from "./node-fetch-bridge.ts";

describe("writeWebResponse", () => {
  let server: http.Server;
  let origin: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      void (async () => {
        const request = toWebRequest(req);
        if (request.url.endsWith("/partial")) {
          // Reads one chunk, then answers: the rest is left for the bridge to drain.
          await request.body!.getReader().read();
          await writeWebResponse(res, new Response("stopped reading", { status: 413 }), req.method);
          return;
        }
        const declared = Number(request.headers.get("content-length") ?? "0");
        const response =
          declared > 1024
            ? new Response("too large", { status: 413 })
            : new Response(`read ${(await request.text()).length}`);
        await writeWebResponse(res, response, req.method);
      })();
    });
    origin = `http://127.0.0.1:${await listen(server, 0)}`;
  });

  afterAll(async () => {
    await closeServer(server);
  });

  test("a response that leaves the request body unread still lets the client's next request through", async () => {
    const big = await fetch(`${origin}/upload`, { method: "POST", body: "x".repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(await big.text()).toBe("too large");
    for (let i = 0; i < 5; i++) {
      const next = await fetch(`${origin}/upload`, {
        method: "POST",
        body: "small",
        signal: AbortSignal.timeout(2_000),
      });
      expect(await next.text()).toBe("read 5");
    }
  });

  test("many early answers in a row: every upload gets its answer, none fails with EPIPE", async () => {
    for (let i = 0; i < 10; i++) {
      const big = await fetch(`${origin}/upload`, { method: "POST", body: "y".repeat(2 * 1024 * 1024) });
      expect(big.status).toBe(413);
      await big.text();
    }
    const next = await fetch(`${origin}/upload`, { method: "POST", body: "small", signal: AbortSignal.timeout(2_000) });
    expect(await next.text()).toBe("read 5");
  });

  test("a handler that stops reading part-way leaves the connection usable too", async () => {
    for (let i = 0; i < 3; i++) {
      const partial = await fetch(`${origin}/partial`, { method: "POST", body: "z".repeat(2 * 1024 * 1024) });
      expect(await partial.text()).toBe("stopped reading");
    }
    const next = await fetch(`${origin}/upload`, { method: "POST", body: "small", signal: AbortSignal.timeout(2_000) });
    expect(await next.text()).toBe("read 5");
  });
});
