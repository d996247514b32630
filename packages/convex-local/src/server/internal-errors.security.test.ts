/**
 * A failure of convex-local itself answers 500 with Convex's generic
 * message; the stack goes to stderr, and into the response only with
 * `devErrors` (`--dev-errors`).
 *
 * Regression: the cloud router put `error.stack` in the 500's `message`,
 * handing file paths and internals to any client that triggered one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createEngine as createDefaultEngine } from "../engine/create-engine.ts";
import type { EngineOptions } from "../engine/types.ts";
import { dataDirIn, makeScratchDir } from "../test-fixtures/cli-harness.ts";
import { INTERNAL_SERVER_ERROR_MESSAGE } from "./internal-error-reply.ts";
import { startConvexLocal, type ConvexLocal } from "./start-convex-local.ts";

const SECRET_FRAME = "internal-secret-detail";

/** The real engine, failing the way a bug in convex-local would for one function and for HTTP actions. */
async function faultyEngine(options: EngineOptions) {
  const engine = await createDefaultEngine(options);
  return new Proxy(engine, {
    get(target, property) {
      if (property === "run") {
        return (request: Parameters<typeof target.run>[0]) =>
          request.udfPath === "broken:fn"
            ? Promise.reject(new TypeError(`${SECRET_FRAME} is not a function`))
            : target.run(request);
      }
      if (property === "runHttpAction") return () => Promise.reject(new Error(`${SECRET_FRAME} in the site handler`));
      return Reflect.get(target, property, target) as unknown;
    },
  });
}

let scratch: { dir: string; cleanup(): Promise<void> };
const servers: ConvexLocal[] = [];

beforeAll(async () => {
  scratch = await makeScratchDir();
});

afterEach(() => vi.restoreAllMocks());

afterAll(async () => {
  for (const server of servers) await server.stop();
  await scratch?.cleanup();
});

async function start(devErrors: boolean): Promise<ConvexLocal> {
  const server = await startConvexLocal({
    port: 0,
    sitePort: 0,
    dataDir: dataDirIn(`${scratch.dir}/${devErrors ? "dev" : "default"}`),
    createEngine: faultyEngine,
    devErrors,
  });
  servers.push(server);
  return server;
}

const callBroken = (server: ConvexLocal) =>
  fetch(`${server.cloudUrl}/api/query`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path: "broken:fn", args: {}, format: "json" }),
  });

describe("500 responses", () => {
  it("carry Convex's generic message and no stack by default; the stack goes to stderr", async () => {
    const stderr = vi.spyOn(console, "error").mockImplementation(() => {});
    const server = await start(false);
    for (const response of [
      await callBroken(server),
      await fetch(`${server.siteUrl}/anything`),
      await fetch(`${server.cloudUrl}/http/anything`),
    ]) {
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ code: "InternalServerError", message: INTERNAL_SERVER_ERROR_MESSAGE });
      expect(text).not.toContain(SECRET_FRAME);
      expect(text).not.toMatch(/\bat .+:\d+:\d+/);
    }
    const logged = stderr.mock.calls.map((args) => args.join(" ")).join("\n");
    expect(logged).toContain(`TypeError: ${SECRET_FRAME} is not a function`);
    expect(logged).toMatch(/internal error serving POST \/api\/query/);
  });

  it("carry the stack with devErrors", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const server = await start(true);
    const response = await callBroken(server);
    expect(response.status).toBe(500);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe("InternalServerError");
    expect(body.message).toMatch(new RegExp(`^TypeError: ${SECRET_FRAME} is not a function\\n\\s+at `));
    const site = (await (await fetch(`${server.siteUrl}/anything`)).json()) as { message: string };
    expect(site.message).toContain(`${SECRET_FRAME} in the site handler`);
  });

  it("leave errors a function throws to the function's reply (status 200), as on Convex", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const server = servers[0]!;
    const response = await fetch(`${server.cloudUrl}/api/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "missing:fn", args: {}, format: "json" }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "error" });
  });
});
