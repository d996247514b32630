import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEngine, type PersistentEngine } from "./create-engine.ts";
import { bundleFixtureApp } from "./test-fixtures/bundle-fixture-app.ts";
import { createTempDirs, type TempDirs } from "./test-fixtures/temp-dirs.ts";
import type { AppDeployment, Caller, RunResult } from "./types.ts";

const URLS = { cloudUrl: "http://127.0.0.1:3210", siteUrl: "http://127.0.0.1:3211" };
const anonymous: Caller = { kind: "anonymous" };
const admin: Caller = { kind: "admin" };
const BURST_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "test-fixtures", "insert-burst.ts");

function valueOf(result: RunResult): unknown {
  if (result.status !== "success") throw new Error(`Expected success, got: ${result.errorMessage}`);
  return result.value;
}

function call(
  engine: PersistentEngine,
  udfPath: string,
  args: Record<string, unknown> = {},
  caller: Caller = anonymous,
) {
  return engine.run({ componentPath: "", udfPath, args, caller });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("engine persistence", () => {
  let dirs: TempDirs;
  let app: AppDeployment;

  beforeAll(async () => {
    dirs = createTempDirs();
    ({ app } = await bundleFixtureApp({ outDir: dirs.modulesDir("v1"), version: "v1" }));
  });

  afterAll(() => dirs.remove());

  test("a restart keeps documents, ids, files, component data and the JWT key; new ids don't collide", async () => {
    const dataDir = dirs.dataDir("restart");
    const first = await createEngine({ dataDir, ...URLS });
    await first.deploy(app);
    const ids = [
      valueOf(await call(first, "messages:send", { body: "one", author: "ann" })),
      valueOf(await call(first, "messages:send", { body: "two", author: "bob" })),
    ];
    await call(first, "messages:bumpCounter", { name: "c" });
    const fileId = valueOf(await call(first, "files:store", { text: "kept bytes" }));
    const before = valueOf(await call(first, "messages:list")) as { _id: string; _creationTime: number }[];
    const kid = first.jwks().keys[0]!.kid;
    const commitTs = first.lastCommitTs();
    await first.close();

    const second = await createEngine({ dataDir, ...URLS });
    await second.deploy({ ...app, version: "v1-again" });
    expect(valueOf(await call(second, "messages:list"))).toEqual(before);
    expect(second.jwks().keys[0]!.kid).toBe(kid);
    expect(second.lastCommitTs()).toBe(commitTs);
    expect(valueOf(await call(second, "files:read", { id: fileId }))).toBe("kept bytes");
    expect(valueOf(await call(second, "messages:bumpCounter", { name: "c" }))).toBe(2);
    const third = valueOf(await call(second, "messages:send", { body: "three", author: "cy" }));
    expect(ids).not.toContain(third);
    const after = valueOf(await call(second, "messages:list")) as { _id: string; _creationTime: number }[];
    expect(after.map((m) => m._id)).toEqual([...ids, third]);
    expect(after[2]!._creationTime).toBeGreaterThan(after[1]!._creationTime);
    expect(second.lastCommitTs()).toBeGreaterThan(commitTs);
    await second.close();
  });

  test("a function scheduled 2 s ahead runs after a restart in between", async () => {
    const dataDir = dirs.dataDir("scheduled");
    const first = await createEngine({ dataDir, ...URLS });
    await first.deploy(app);
    const jobId = valueOf(await call(first, "scheduled:later", { name: "after-restart", delayMs: 2000 }));
    await call(first, "scheduled:laterInCounter", { name: "scheduled-into-component", delayMs: 2000 });
    await sleep(500);
    await first.close();

    const second = await createEngine({ dataDir, ...URLS });
    await second.deploy(app);
    expect(valueOf(await call(second, "scheduled:events"))).toEqual([]);
    await sleep(2000);
    expect(valueOf(await call(second, "scheduled:events")), "ran once, by the new engine only").toEqual([
      "after-restart",
    ]);
    const jobs = valueOf(await call(second, "scheduled:jobs")) as { _id: string; state: { kind: string } }[];
    expect(jobs).toEqual([
      expect.objectContaining({ _id: jobId, state: { kind: "success" } }),
      expect.objectContaining({ name: "lib:increment", state: { kind: "success" } }),
    ]);
    expect(
      valueOf(await call(second, "messages:bumpCounter", { name: "scheduled-into-component" })),
      "ran in the component",
    ).toBe(2);
    await second.close();
  });

  test("a push keeps the data, and jobs scheduled under the old code still run", async () => {
    const dataDir = dirs.dataDir("redeploy");
    const engine = await createEngine({ dataDir, ...URLS });
    await engine.deploy(app);
    const id = valueOf(await call(engine, "messages:send", { body: "before push", author: "ann" }));
    await call(engine, "scheduled:later", { name: "across-push", delayMs: 200 });
    const { app: v2 } = await bundleFixtureApp({ outDir: dirs.modulesDir("v2"), version: "v2" });
    await engine.deploy(v2);
    expect(engine.current()).toBe(v2);
    expect(valueOf(await call(engine, "messages:list"))).toEqual([expect.objectContaining({ _id: id })]);
    await sleep(400);
    expect(valueOf(await call(engine, "scheduled:events"))).toEqual(["across-push"]);
    await engine.close();
  });

  test("kill -9 mid-burst loses no acknowledged write and leaves no half-applied mutation", async () => {
    const dataDir = dirs.dataDir("killed");
    const appFile = path.join(dirs.root, "app.json");
    writeFileSync(appFile, JSON.stringify(app));
    const child = spawn(process.execPath, [BURST_SCRIPT, dataDir, appFile, "200"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const acked = new Map<number, string>();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const match = /^ack (\d+) (\S+)$/.exec(line);
        if (match === null) continue;
        acked.set(Number(match[1]), match[2]!);
        if (acked.size === 80) child.kill("SIGKILL");
      }
    });
    const signal = await exited;
    expect(signal, `the child should be killed mid-burst; stderr: ${stderr}`).toBe("SIGKILL");
    expect(acked.size).toBeGreaterThanOrEqual(80);
    expect(acked.size).toBeLessThan(200);

    const engine = await createEngine({ dataDir, ...URLS });
    await engine.deploy({ ...app, version: "after-kill" });
    const docs = valueOf(await call(engine, "pairs:all", {}, admin)) as {
      _id: string;
      n: number;
      kind: "a" | "b";
      partner?: string;
    }[];
    const as = docs.filter((doc) => doc.kind === "a");
    const bs = docs.filter((doc) => doc.kind === "b");
    for (const [n, id] of acked) {
      expect(
        as.filter((doc) => doc._id === id),
        `acknowledged pair ${n}`,
      ).toEqual([expect.objectContaining({ n })]);
    }
    // Every mutation wrote both of its documents or neither.
    expect(bs.map((b) => b.partner).sort()).toEqual(as.map((a) => a._id).sort());
    expect(new Set(as.map((a) => a.n)).size).toBe(as.length);
    // At most the one mutation in flight at the kill committed without being acknowledged.
    expect(as.length - acked.size).toBeLessThanOrEqual(1);
    const next = valueOf(await call(engine, "pairs:insertPair", { n: 1000 }));
    expect(docs.map((doc) => doc._id)).not.toContain(next);
    await engine.close();
  });
});
