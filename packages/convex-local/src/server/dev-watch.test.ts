import type { ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ConvexLocal } from "./start-convex-local.ts";
import { FunctionLogStream } from "./function-log-stream.ts";
import {
  copyFixtureApp,
  dataDirIn,
  ensureBetterAuthBuilt,
  makeScratchDir,
  runFunction,
  spawnCli,
  startTestServer,
} from "../test-fixtures/cli-harness.ts";

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let app: string;
let dev: ChildProcess | undefined;

beforeAll(async () => {
  ensureBetterAuthBuilt();
  scratch = await makeScratchDir();
  app = await copyFixtureApp("basic-app", scratch.dir);
  server = await startTestServer(dataDirIn(scratch.dir));
});

afterAll(async () => {
  if (dev && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev!.once("exit", resolve));
    dev.kill("SIGTERM");
    await exited;
  }
  await server?.stop();
  await scratch?.cleanup();
});

/** Resolves once `text` has appeared `count` times in the process output. */
function waitForOutput(child: ChildProcess, text: string, count: number, timeoutMs = 60_000): Promise<void> {
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Timed out waiting for "${text}" x${count}. Output:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.split(text).length - 1 >= count) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        child.stderr!.off("data", onData);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`convex dev exited (${code}) before "${text}". Output:\n${output}`)));
  });
}

describe("npx convex dev (watch mode)", () => {
  it("re-pushes when a function changes, while the log tail long-polls without spinning", async () => {
    const polls = vi.spyOn(FunctionLogStream.prototype, "poll");
    dev = spawnCli(app, server, ["dev", "--typecheck", "disable"]);
    dev.stdin!.end();
    const ready = "Convex functions ready!";
    const firstPush = waitForOutput(dev, ready, 1);
    await firstPush;
    expect(await runFunction(app, server, "hello:hi", { name: "bob" })).toBe("hi bob");

    // Idle: the log tail holds its request open instead of polling in a loop.
    const before = polls.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(polls.mock.calls.length - before).toBeLessThanOrEqual(2);
    polls.mockRestore();

    const secondPush = waitForOutput(dev, ready, 1);
    const helloFile = path.join(app, "convex/hello.ts");
    await writeFile(helloFile, (await readFile(helloFile, "utf8")).replace("`hi ${name", "`hello ${name"));
    await secondPush;
    expect(await runFunction(app, server, "hello:hi", { name: "bob" })).toBe("hello bob");
  });
});
