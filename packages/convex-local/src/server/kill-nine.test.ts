import { spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildConvexLocal,
  CONVEX_LOCAL_BIN as BIN,
  startConvexLocalProcess,
} from "../test-fixtures/convex-local-process.ts";
import { copyFixtureApp, ensureBetterAuthBuilt, makeScratchDir, pushOnce } from "../test-fixtures/cli-harness.ts";

const TOTAL = 200;
const KILL_AFTER_ACKS = 80;

let scratch: { dir: string; cleanup(): Promise<void> };
const children: ChildProcess[] = [];

beforeAll(() => {
  ensureBetterAuthBuilt();
  buildConvexLocal();
});

beforeAll(async () => {
  scratch = await makeScratchDir();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await scratch?.cleanup();
});

describe("kill -9 during a burst of mutations", () => {
  it("keeps every acknowledged mutation exactly once after a restart", async () => {
    const app = await copyFixtureApp("basic-app", scratch.dir);
    const dataDir = path.join(scratch.dir, "data");
    const first = await startConvexLocalProcess(dataDir, children);
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

    const second = await startConvexLocalProcess(dataDir, children);
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
