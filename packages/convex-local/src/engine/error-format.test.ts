/**
 * Function errors read as the backend formats them, through the real
 * clients and the real CLI: `Uncaught <name>: <message>` with the error's
 * own name (a ConvexError subclass's too), source-mapped frames
 * (`../convex/errors.ts:L:C`), the text nested calls wrap errors in, the
 * missing-function messages of the public and the admin routes, HTTP-action
 * traces without the engine's module paths, and `console.time*` lines.
 *
 * Before, every ConvexError read `Uncaught ConvexError`, there were no frames
 * (HTTP actions showed `file:///…/modules/<version>/http.js?v=…` paths
 * instead), a nested error reached the caller as the callee's own object,
 * and `console.time` printed to the server's stdout.
 */
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "../server/start-convex-local.ts";
import {
  copyFixtureApp,
  dataDirIn,
  makeScratchDir,
  pushOnce,
  runCli,
  startTestServer,
} from "../test-fixtures/cli-harness.ts";

const api = anyApi;
const PREFIX = /^\[Request ID: [0-9a-f]{16}\] Server Error\n/;

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let appDir: string;
let client: ConvexHttpClient;

async function failureOf(call: Promise<unknown>): Promise<Error & { data?: unknown }> {
  try {
    const value = await call;
    throw new Error(`expected the call to fail, it returned ${JSON.stringify(value)}`);
  } catch (error) {
    return error as Error & { data?: unknown };
  }
}

/** The error text after the request id line. */
async function errorText(call: Promise<unknown>): Promise<string> {
  const { message } = await failureOf(call);
  expect(message).toMatch(PREFIX);
  return message.replace(PREFIX, "");
}

beforeAll(async () => {
  scratch = await makeScratchDir();
  appDir = await copyFixtureApp("../engine/test-fixtures/semantics-app", scratch.dir);
  server = await startTestServer(dataDirIn(scratch.dir));
  await pushOnce(appDir, server);
  client = new ConvexHttpClient(server.cloudUrl, { logger: false });
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

describe("uncaught errors", () => {
  it("name the error's class and point at the source line of the throw", async () => {
    expect(await errorText(client.query(api.errors.throwPlain, {}))).toBe(
      "Uncaught Error: plain failure\n    at handler (../convex/errors.ts:25:11)\n",
    );
    expect(await errorText(client.query(api.errors.throwTyped, {}))).toBe(
      "Uncaught TypeError: typed failure\n    at handler (../convex/errors.ts:32:11)\n",
    );
  });

  it("name a ConvexError subclass by its own name, with its data", async () => {
    const error = await failureOf(client.mutation(api.errors.throwSubclass, {}));
    expect(error.message.replace(PREFIX, "")).toBe(
      'Uncaught QuotaError: {"code":"QUOTA","limit":3}\n    at handler (../convex/errors.ts:39:11)\n',
    );
    expect(error.data).toEqual({ code: "QUOTA", limit: 3 });
  });

  it("read the same over the WebSocket client", async () => {
    const socket = new ConvexClient(server.cloudUrl, {
      webSocketConstructor: globalThis.WebSocket,
      unsavedChangesWarning: false,
    });
    try {
      const error = await failureOf(socket.mutation(api.errors.throwSubclass, {}));
      expect(error.message).toContain(
        'Uncaught QuotaError: {"code":"QUOTA","limit":3}\n    at handler (../convex/errors.ts:39:11)',
      );
      expect(error.data).toEqual({ code: "QUOTA", limit: 3 });
    } finally {
      await socket.close();
    }
  });
});

describe("errors of nested calls", () => {
  it("wrap the callee's text, frames included, in the caller's", async () => {
    expect(await errorText(client.mutation(api.errors.mutationCallsQuery, {}))).toBe(
      "Uncaught Error: Uncaught Error: inner query failure\n    at handler (../convex/errors.ts:46:11)\n\n" +
        "    at async handler (../convex/errors.ts:67:5)\n",
    );
    expect(await errorText(client.action(api.errors.actionCallsMutation, {}))).toBe(
      "Uncaught Error: Uncaught Error: inner mutation failure\n    at handler (../convex/errors.ts:53:11)\n\n" +
        "    at async handler (../convex/errors.ts:74:5)\n",
    );
  });

  it("wrap once per level, through runAction and into components", async () => {
    expect(await errorText(client.action(api.errors.actionCallsAction, {}))).toBe(
      "Uncaught Error: Uncaught Error: Uncaught Error: inner mutation failure\n" +
        "    at handler (../convex/errors.ts:53:11)\n\n" +
        "    at async handler (../convex/errors.ts:74:5)\n\n" +
        "    at async handler (../convex/errors.ts:81:5)\n",
    );
    expect(await errorText(client.query(api.errors.queryCallsComponent, {}))).toBe(
      "Uncaught Error: Uncaught Error: component failure\n    at handler (../thrower/lib.ts:6:11)\n\n" +
        "    at async handler (../convex/errors.ts:88:5)\n",
    );
  });

  it("keep a ConvexError's data across the call, with the callee's text as its message", async () => {
    expect(await client.action(api.errors.catchNestedConvexError, {})).toEqual({
      name: "ConvexError",
      data: { code: "INNER" },
      message: 'Uncaught ConvexError: {"code":"INNER"}\n    at handler (../convex/errors.ts:60:11)\n',
    });
  });
});

describe("argument and return validators", () => {
  const validator = "v.object({count: v.optional(v.float64()), tags: v.array(v.string()), text: v.string()})";

  it("reject arguments with the backend's ArgumentValidationError texts", async () => {
    expect(await errorText(client.mutation(api.errors.typedArgs, { text: 1, tags: [] }))).toBe(
      "ArgumentValidationError: Value does not match validator.\nPath: .text\nValue: 1.0\nValidator: v.string()",
    );
    expect(await errorText(client.mutation(api.errors.typedArgs, { text: "a", tags: ["b", 2n] }))).toBe(
      "ArgumentValidationError: Value does not match validator.\nPath: .tags[1]\nValue: 2\nValidator: v.string()",
    );
    expect(await errorText(client.mutation(api.errors.typedArgs, { tags: [] }))).toBe(
      "ArgumentValidationError: Object is missing the required field `text`. Consider wrapping the field validator in " +
        `\`v.optional(...)\` if this is expected.\n\nObject: {tags: []}\nValidator: ${validator}`,
    );
    expect(await errorText(client.mutation(api.errors.typedArgs, { text: "a", tags: [], extra: true }))).toBe(
      "ArgumentValidationError: Object contains extra field `extra` that is not in the validator.\n\n" +
        `Object: {extra: true, tags: [], text: "a"}\nValidator: ${validator}`,
    );
  });

  it("reject a return value with ReturnsValidationError", async () => {
    expect(await errorText(client.query(api.errors.badReturn, {}))).toBe(
      'ReturnsValidationError: Value does not match validator.\nPath: .n\nValue: "one"\nValidator: v.float64()',
    );
  });

  it("reject a nested call's arguments, which the caller sees as an error it may catch", async () => {
    expect(await errorText(client.action(api.errors.nestedBadArgs, {}))).toBe(
      "Uncaught Error: ArgumentValidationError: Value does not match validator.\nPath: .text\nValue: 1.0\n" +
        "Validator: v.string()\n\n    at async handler (../convex/errors.ts:133:5)\n",
    );
  });
});

describe("functions that can't be called", () => {
  it("are 'Could not find public function' on the public routes, missing or internal alike", async () => {
    expect(await errorText(client.query(api.errors.nope, {}))).toBe(
      "Could not find public function for 'errors:nope'.",
    );
    expect(await errorText(client.query(api.errors.innerQuery, {}))).toBe(
      "Could not find public function for 'errors:innerQuery'.",
    );
  });

  it("ask whether `npx convex dev` ran on the admin route `npx convex run` uses", async () => {
    const result = await runCli(appDir, server, ["run", "errors:nope", "{}"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      "Could not find function for 'errors:nope'. Did you forget to run `npx convex dev`?",
    );
  });
});

describe("HTTP actions", () => {
  it("answer a throw with a trace of source-mapped frames, not the engine's module paths", async () => {
    const response = await fetch(`${server.siteUrl}/fail`);
    expect(response.status).toBe(500);
    const body = (await response.json()) as { code: string; trace: string };
    expect(body.code).toMatch(/^\[Request ID: [0-9a-f]{16}\] Server Error: Uncaught Error: http failure$/);
    expect(body.trace).toBe("Uncaught Error: http failure\n    at ../convex/http.ts:9:11\n");
    expect(JSON.stringify(body)).not.toContain("file://");
  });
});

describe("console.time*", () => {
  it("write the backend's lines to the call's log lines", async () => {
    const response = await fetch(`${server.cloudUrl}/api/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "errors:timers", args: {} }),
    });
    const body = (await response.json()) as { logLines: string[] };
    expect(body.logLines).toEqual([
      "[WARN] Timer 'load' already exists",
      expect.stringMatching(/^\[INFO\] load: \d+ms 'halfway' \{ step: 1 \}$/),
      expect.stringMatching(/^\[INFO\] load: \d+ms$/),
      "[WARN] Timer 'load' does not exist",
      "[WARN] Timer 'default' does not exist",
    ]);
  });
});
