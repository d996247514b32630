import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PACKAGE_DIR,
  REPO_DIR,
  copyFixtureApp,
  ensureBetterAuthBuilt,
  makeScratchDir,
  pushOnce,
} from "../test-fixtures/cli-harness.ts";

const BIN = path.join(PACKAGE_DIR, "bin/convex-local.js");
const READY = /^convex-local ready: cloud=(\S+) site=(\S+) adminKey=(\S+)$/m;
const TOTAL = 200;
const KILL_AFTER_ACKS = 80;

let scratch: { dir: string; cleanup(): Promise<void> };
const children: ChildProcess[] = [];

beforeAll(() => {
  ensureBetterAuthBuilt();
  // The launcher runs dist/; build it from the current sources. Type errors
  // elsewhere in the package still emit JavaScript, so only a missing output fails.
  const build = spawnSync("npm", ["run", "build", "-w", "convex-local"], { cwd: REPO_DIR, encoding: "utf8" });
  if (!existsSync(path.join(PACKAGE_DIR, "dist/cli.js"))) throw new Error(`Build failed:\n${build.stdout}\n${build.stderr}`);
});

beforeAll(async () => {
  scratch = await makeScratchDir();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await scratch?.cleanup();
});

/** Spawns `convex-local start` on free ports and resolves with what its ready line says. */
async function startChild(dataDir: string): Promise<{ child: ChildProcess; cloudUrl: string; adminKey: string }> {
  const child = spawn(process.execPath, [BIN, "start", "--port", "0", "--site-port", "0", "--data-dir", dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`convex-local did not get ready:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, cloudUrl: match[1], adminKey: match[3] });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`convex-local exited (${code}):\n${output}`)));
  });
}

describe("kill -9 during a burst of mutations", () => {
  it("keeps every acknowledged mutation exactly once after a restart", async () => {
    const app = await copyFixtureApp("basic-app", scratch.dir);
    const dataDir = path.join(scratch.dir, "data");
    const first = await startChild(dataDir);
    await pushOnce(app, first);

    const client = new ConvexHttpClient(first.cloudUrl, { logger: false });
    const acked: string[] = [];
    const exited = new Promise((resolve) => first.child.once("exit", resolve));
    const burst = Array.from({ length: TOTAL }, (_, i) =>
      client.mutation(anyApi.messages.send, { body: String(i), author: "burst" }, { skipQueue: true }).then(
        () => {
          acked.push(String(i));
          if (acked.length === KILL_AFTER_ACKS) first.child.kill("SIGKILL");
        },
        () => undefined,
      ),
    );
    await Promise.all(burst);
    await exited;
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    const second = await startChild(dataDir);
    expect(second.adminKey).toBe(first.adminKey);
    const reader = new ConvexHttpClient(second.cloudUrl, { logger: false });
    const messages = (await reader.query(anyApi.messages.list, {})) as { body: string; author: string }[];
    const bodies = messages.filter((m) => m.author === "burst").map((m) => m.body);
    const counts = new Map<string, number>();
    for (const body of bodies) counts.set(body, (counts.get(body) ?? 0) + 1);
    for (const body of acked) expect(counts.get(body), `acknowledged mutation ${body}`).toBe(1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const stopped = new Promise<number | null>((resolve) => second.child.once("exit", (code) => resolve(code)));
    second.child.kill("SIGTERM");
    expect(await stopped).toBe(0);

    const reset = spawnSync(process.execPath, [BIN, "reset", "--data-dir", dataDir], { encoding: "utf8" });
    expect(reset.status).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  });
});
