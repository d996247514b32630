/**
 * A call refused for load reaches clients in the backend's shapes. Source:
 * get-convex/convex-backend at 94a42c3, `crates/errors/src/lib.rs`
 * (`ErrorMetadata::rate_limited`, `http_status_code`, `close_frame`),
 * `crates/application/src/application_function_runner/mod.rs` (the
 * limiter's `TooManyConcurrentRequests`), `crates/local_backend/src/subs`
 * (the socket's close frame) and convex-js `web_socket_manager` (the
 * client's reconnect); details in `overload-errors.ts`. Past its line's
 * queue timeout a call gets 429 `TooManyConcurrentRequests` over HTTP, and
 * the sync socket closes with 1013 and that reason, after which
 * `ConvexClient` reconnects and re-sends its mutation. And no client ever
 * sees an OCC failure: transactions run one at a time, so no update is lost
 * either.
 *
 * Regression: a call could only wait in line for as long as it took
 * (Convex refuses after 5 s, or 10 s for actions; `queueTimeoutMs` now
 * bounds the wait when asked to), and any error of a socket call closed the
 * socket as an internal error (1011).
 *
 * Functions in convex-local can't hold a query's slot without blocking the
 * event loop, so the engine below delays one query before running it, as a
 * slow query would.
 */
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine as createDefaultEngine } from "../engine/create-engine.ts";
import type { Engine, EngineOptions, RunRequest } from "../engine/types.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, pushOnce } from "../test-fixtures/cli-harness.ts";
import { startConvexLocal, type ConvexLocal } from "./start-convex-local.ts";

const api = anyApi;
/** Convex's own wait for queries and mutations (5 s); a short one for actions keeps the tests quick. */
const QUEUE_TIMEOUT = { transactions: 5_000, actions: 300 };
/** How long the engine holds `load:count` for the counter named "held": past the wait, plus the reconnect. */
const HELD_QUERY_MS = 7_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The real engine; a query of the "held" counter takes {@link HELD_QUERY_MS} longer, inside its slot. */
async function slowQueryEngine(options: EngineOptions): Promise<Engine> {
  const engine = await createDefaultEngine(options);
  return new Proxy(engine, {
    get(target, property) {
      if (property !== "run") return Reflect.get(target, property, target) as unknown;
      return async (request: RunRequest) => {
        const args = request.args as { name?: unknown };
        if (request.udfPath === "load:count" && args.name === "held") await sleep(HELD_QUERY_MS);
        return await target.run(request);
      };
    },
  });
}

function tooManyConcurrent(udfType: string): { code: string; message: string } {
  return {
    code: "TooManyConcurrentRequests",
    message:
      `Too many concurrent requests. Your backend is limited to 1 concurrent ${udfType}s. ` +
      "Raise convex-local's --max-concurrency (or --queue-timeout-ms) to get more resources.",
  };
}

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let http: ConvexHttpClient;

beforeAll(async () => {
  scratch = await makeScratchDir();
  const appDir = await copyFixtureApp("../engine/test-fixtures/semantics-app", scratch.dir);
  server = await startConvexLocal({
    port: 0,
    sitePort: 0,
    dataDir: dataDirIn(scratch.dir),
    maxConcurrency: 1,
    queueTimeoutMs: QUEUE_TIMEOUT,
    createEngine: slowQueryEngine,
  });
  await pushOnce(appDir, server);
  http = new ConvexHttpClient(server.cloudUrl, { logger: false });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

describe("a call that waits past its line's queue timeout", () => {
  it("gets 429 TooManyConcurrentRequests from the HTTP API, as ConvexHttpClient reports it", async () => {
    const holder = http.action(api.load.sleep, { ms: 1_500 });
    await sleep(100);
    const response = await fetch(`${server.cloudUrl}/api/action`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "load:sleep", args: { ms: 0 }, format: "json" }),
    });
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual(tooManyConcurrent("action"));
    // The real client throws the body's text for any status but 200 and 560.
    await expect(http.action(api.load.sleep, { ms: 0 })).rejects.toThrow(JSON.stringify(tooManyConcurrent("action")));
    expect(await holder).toBe(1_500);
    expect(await http.action(api.load.sleep, { ms: 0 })).toBe(0);
  });

  it("gets the same 429 for an HTTP action on the site origin", async () => {
    const holder = fetch(`${server.siteUrl}/sleep?ms=1500`);
    await sleep(100);
    const refused = await fetch(`${server.siteUrl}/ok`);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual(tooManyConcurrent("action"));
    expect(await (await holder).text()).toBe("1500");
    expect(await (await fetch(`${server.siteUrl}/ok`)).text()).toBe("ok");
  });

  it("closes the sync socket with 1013 TooManyConcurrentRequests; ConvexClient reconnects and its mutation completes", async () => {
    const disconnects: string[] = [];
    const client = new ConvexClient(server.cloudUrl, {
      unsavedChangesWarning: false,
      logger: false,
      onServerDisconnectError: (message) => disconnects.push(message),
    });
    try {
      expect(await client.query(api.load.count, { name: "socket" })).toBe(0);
      const holder = http.query(api.load.count, { name: "held" });
      await sleep(100);
      // Refused after 5 s in line; re-sent on the new socket, it runs once the held query is done.
      expect(await client.mutation(api.load.increment, { name: "socket" })).toBe(1);
      expect(disconnects[0]).toBe("WebSocket closed with code 1013: TooManyConcurrentRequests");
      expect(await holder).toBe(0);
      expect(await client.query(api.load.count, { name: "socket" })).toBe(1);
    } finally {
      await client.close();
    }
  }, 30_000);
});

describe("concurrent mutations of the same document", () => {
  it("never fail with OptimisticConcurrencyControlFailure, and lose no update", async () => {
    const client = new ConvexClient(server.cloudUrl, { unsavedChangesWarning: false, logger: false });
    try {
      const results = await Promise.all([
        ...Array.from({ length: 10 }, () => http.mutation(api.load.increment, { name: "contended" })),
        ...Array.from({ length: 10 }, () => client.mutation(api.load.increment, { name: "contended" })),
      ]);
      // Each saw the one before it: serializable, as Convex's retries make the ones that succeed.
      expect([...(results as number[])].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await http.query(api.load.count, { name: "contended" })).toBe(20);
    } finally {
      await client.close();
    }
  });
});
