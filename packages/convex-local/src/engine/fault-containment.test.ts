/**
 * User code cannot take convex-local down: each way a function can fail
 * outside its promise chain (timer throw, unhandled rejection, a socket's
 * `error` event, `process.exit`, a job that cancels itself, a hang past the
 * action timeout, for called, scheduled and HTTP actions) fails only that call, in a real `convex-local start`
 * process (an in-process server would share vitest's own crash handlers),
 * pushed with the real CLI and called through the real clients.
 *
 * Before the fix any of these ended the server process: Node's default for
 * an uncaught exception or unhandled rejection is to exit.
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFixtureApp, makeScratchDir, pushOnce } from "../test-fixtures/cli-harness.ts";
import {
  buildConvexLocal,
  startConvexLocalProcess,
  type ConvexLocalProcess,
} from "../test-fixtures/convex-local-process.ts";

const ACTION_TIMEOUT_MS = 1500;

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocalProcess;
let http: ConvexHttpClient;
const children: ChildProcess[] = [];
const api = anyApi;

type Job = { _id: string; name: string; state: { kind: string } };

async function failureOf(call: Promise<unknown>): Promise<string> {
  try {
    const value = await call;
    throw new Error(`expected the call to fail, it returned ${JSON.stringify(value)}`);
  } catch (error) {
    return (error as Error).message;
  }
}

/** The server is still the same process and still runs functions. */
async function expectServerUp(): Promise<void> {
  expect(server.child.exitCode, "convex-local exited").toBeNull();
  expect(await http.action(api.nodeCrash.ok, {})).toBe("ok");
  expect(await http.query(api.crash.ping, {})).toBe("pong");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function waitForJob(id: string, done: (job: Job) => boolean): Promise<Job> {
  for (let i = 0; i < 100; i++) {
    const job = ((await http.query(api.crash.jobs, {})) as Job[]).find((candidate) => candidate._id === id);
    if (job !== undefined && done(job)) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${id} did not finish`);
}

beforeAll(async () => {
  buildConvexLocal();
  scratch = await makeScratchDir();
  const appDir = await copyFixtureApp("../engine/test-fixtures/semantics-app", scratch.dir);
  server = await startConvexLocalProcess(path.join(scratch.dir, "data"), children, {
    env: { CONVEX_LOCAL_ACTION_TIMEOUT_MS: String(ACTION_TIMEOUT_MS) },
  });
  await pushOnce(appDir, server);
  http = new ConvexHttpClient(server.cloudUrl, { logger: false });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await scratch?.cleanup();
});

describe('a "use node" action that fails outside its promise chain', () => {
  it("fails with Node's `Uncaught <event>` text when a timer callback throws; the next call works", async () => {
    expect(await failureOf(http.action(api.nodeCrash.throwInTimer, {}))).toMatch(
      /^\[Request ID: [0-9a-f]{16}\] Server Error\nUncaught uncaughtException: thrown in a timer/,
    );
    await expectServerUp();
  });

  it("fails on an unhandled rejection", async () => {
    expect(await failureOf(http.action(api.nodeCrash.rejectUnhandled, {}))).toContain(
      "Uncaught unhandledRejection: nobody handles this",
    );
    await expectServerUp();
  });

  it("fails on a socket's unhandled `error` event", async () => {
    expect(await failureOf(http.action(api.nodeCrash.socketError, {}))).toMatch(
      /Uncaught uncaughtException: connect ECONNREFUSED 127\.0\.0\.1:\d+/,
    );
    await expectServerUp();
  });

  it("fails on process.exit() instead of ending the backend", async () => {
    expect(await failureOf(http.action(api.nodeCrash.exitProcess, {}))).toContain(
      "Uncaught process.exit: process.exit() called with exit code 3",
    );
    await expectServerUp();
  });

  it("times out with Node's message, through the WebSocket client too", async () => {
    const client = new ConvexClient(server.cloudUrl, {
      webSocketConstructor: globalThis.WebSocket,
      unsavedChangesWarning: false,
    });
    try {
      const started = Date.now();
      expect(await failureOf(client.action(api.nodeCrash.hang, {}))).toContain(
        `Action \`hang\` execution timed out (maximum duration ${ACTION_TIMEOUT_MS / 1000}s)`,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(ACTION_TIMEOUT_MS - 50);
      expect(await client.action(api.nodeCrash.ok, {})).toBe("ok");
    } finally {
      await client.close();
    }
  });
});

describe("a default-runtime action that fails outside its promise chain", () => {
  it("reports the error itself for a timer throw and an unhandled rejection", async () => {
    expect(await failureOf(http.action(api.crash.throwInTimer, {}))).toContain("Uncaught Error: thrown in a timer");
    expect(await failureOf(http.action(api.crash.rejectUnhandled, {}))).toContain(
      "Uncaught Error: nobody handles this",
    );
    await expectServerUp();
  });

  it("times out with the isolate's message", async () => {
    expect(await failureOf(http.action(api.crash.hang, {}))).toContain(
      `Function execution timed out (maximum duration: ${ACTION_TIMEOUT_MS / 1000}s)`,
    );
    await expectServerUp();
  });
});

describe("the action time limit beyond called actions", () => {
  // Regression: only `engine.run()` armed the limit, so a scheduled action or an HTTP action that never
  // finished stayed in progress (holding its execution slot) for as long as convex-local ran.
  it.each(["isolate", "node"] as const)(
    "fails a scheduled %s action that runs past it, and the backend keeps running",
    async (runtime) => {
      const started = Date.now();
      const id = (await http.mutation(api.crash.scheduleHang, { runtime })) as string;
      const job = await waitForJob(id, (candidate) => !["pending", "inProgress"].includes(candidate.state.kind));
      expect(job.state.kind).toBe("failed");
      expect(Date.now() - started).toBeGreaterThanOrEqual(ACTION_TIMEOUT_MS - 50);
      await expectServerUp();
    },
  );

  it("answers an HTTP action that runs past it with the backend's 500, and the next request works", async () => {
    const started = Date.now();
    const response = await fetch(`${server.siteUrl}/hang`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(ACTION_TIMEOUT_MS - 50);
    expect(response.status).toBe(500);
    const limit = `Function execution timed out (maximum duration: ${ACTION_TIMEOUT_MS / 1000}s)`;
    expect(await response.json()).toEqual({
      code: expect.stringMatching(new RegExp(`^\\[Request ID: [0-9a-f]{16}\\] Server Error: ${escapeRegExp(limit)}$`)),
      trace: limit,
    });
    expect(await (await fetch(`${server.siteUrl}/ok`)).text()).toBe("ok");
    await expectServerUp();
  });
});

describe("scheduled jobs", () => {
  it("a mutation job that cancels itself ends canceled, and the backend keeps running", async () => {
    const id = (await http.mutation(api.crash.scheduleSelfCancel, { kind: "mutation" })) as string;
    expect((await waitForJob(id, (job) => job.state.kind !== "pending")).state.kind).toBe("canceled");
    await expectServerUp();
  });

  it("an action job that cancels itself while running ends canceled", async () => {
    const id = (await http.mutation(api.crash.scheduleSelfCancel, { kind: "action" })) as string;
    expect((await waitForJob(id, (job) => !["pending", "inProgress"].includes(job.state.kind))).state.kind).toBe(
      "canceled",
    );
    await expectServerUp();
  });

  it("a job whose timer throws fails, alone", async () => {
    const id = (await http.mutation(api.crash.scheduleCrashingJob, {})) as string;
    expect((await waitForJob(id, (job) => !["pending", "inProgress"].includes(job.state.kind))).state.kind).toBe(
      "failed",
    );
    await expectServerUp();
  });
});
