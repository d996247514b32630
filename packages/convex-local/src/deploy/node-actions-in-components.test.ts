/**
 * A component cannot have Node actions: the backend refuses a push whose
 * component definition holds a `"use node"` module, with the code
 * `NodeActionsNotSupported` (`deploy_config.rs`, parsing `start_push`).
 *
 * The Convex CLI refuses such a component itself before pushing, so the
 * modules only arrive from another client. Here the real CLI pushes through
 * a proxy that marks one of the component's modules as a Node module on its
 * way, the way such a client would send it, and shows convex-local's answer.
 */
import { brotliDecompressSync } from "node:zlib";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "../server/start-convex-local.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, runCli, startTestServer } from "../test-fixtures/cli-harness.ts";
import type { StartPushRequest } from "./push-types.ts";

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let proxy: http.Server;
let proxyUrl: string;
const startPushAnswers: { status: number; body: unknown }[] = [];

/** `start_push` with the component's `entries.js` turned into a Node module. */
function withNodeComponentModule(request: StartPushRequest): StartPushRequest {
  for (const component of request.componentDefinitions) {
    for (const module of component.functions) {
      if (module.path !== "entries.js") continue;
      module.environment = "node";
      module.source = `"use node";\n${module.source}`;
    }
  }
  return request;
}

/** Forwards everything to convex-local, rewriting `start_push` bodies and recording their answers. */
async function forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body: Uint8Array<ArrayBuffer> | string = new Uint8Array(Buffer.concat(chunks));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string" && !["host", "content-length", "connection"].includes(name)) headers[name] = value;
  }
  const startPush = req.url === "/api/deploy2/start_push";
  if (startPush) {
    const json =
      headers["content-encoding"] === "br"
        ? brotliDecompressSync(body).toString("utf8")
        : Buffer.from(body).toString("utf8");
    body = JSON.stringify(withNodeComponentModule(JSON.parse(json) as StartPushRequest));
    delete headers["content-encoding"];
  }
  const method = req.method ?? "GET";
  const answer = await fetch(`${server.cloudUrl}${req.url}`, {
    method,
    headers,
    ...(method === "GET" || method === "HEAD" ? {} : { body }),
  });
  const text = await answer.text();
  if (startPush) startPushAnswers.push({ status: answer.status, body: JSON.parse(text) });
  res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
  res.end(text);
}

beforeAll(async () => {
  scratch = await makeScratchDir();
  server = await startTestServer(dataDirIn(scratch.dir));
  proxy = http.createServer((req, res) => {
    forward(req, res).catch((error: unknown) => {
      res.writeHead(502);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await server?.stop();
  await scratch?.cleanup();
});

describe('a component with a "use node" module', () => {
  it("is refused at start_push with NodeActionsNotSupported, and nothing is deployed", async () => {
    const appDir = await copyFixtureApp("../engine/test-fixtures/component-rules-app", scratch.dir);
    const result = await runCli(appDir, { cloudUrl: proxyUrl, adminKey: server.adminKey }, [
      "dev",
      "--once",
      "--typecheck",
      "disable",
      "--tail-logs",
      "disable",
    ]);
    const message = 'Node actions are not supported in components. Remove `"use node;" from entries.js';
    expect(startPushAnswers).toEqual([{ status: 400, body: { code: "NodeActionsNotSupported", message } }]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`400 Bad Request: NodeActionsNotSupported: ${message}`);

    const hashes = await fetch(`${server.cloudUrl}/api/get_config_hashes`, {
      method: "POST",
      headers: { Authorization: `Convex ${server.adminKey}`, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(((await hashes.json()) as { moduleHashes: unknown[] }).moduleHashes).toEqual([]);
  }, 120_000);
});
