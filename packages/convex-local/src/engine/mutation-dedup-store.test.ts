import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { convexToJson } from "convex/values";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEngine, type PersistentEngine } from "./create-engine.ts";
import {
  captureMutationResults,
  MUTATION_RECORD_RETENTION_MS,
  openMutationDedupStore,
  runKeyedMutation,
  type MutationKey,
} from "./mutation-dedup-store.ts";
import { bundleFixtureApp } from "./test-fixtures/bundle-fixture-app.ts";
import { createTempDirs, type TempDirs } from "./test-fixtures/temp-dirs.ts";
import type { AppDeployment, RunResult } from "./types.ts";

const URLS = { cloudUrl: "http://127.0.0.1:3210", siteUrl: "http://127.0.0.1:3211" };

function call(engine: PersistentEngine, udfPath: string, args: Record<string, unknown> = {}): Promise<RunResult> {
  return engine.run({ componentPath: "", udfPath, args, caller: { kind: "anonymous" } });
}

function recordCount(dataDir: string): number {
  const db = new DatabaseSync(path.join(dataDir, "engine.sqlite"), { readOnly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM mutation_records").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("durable socket-mutation records (engine)", () => {
  let dirs: TempDirs;
  let app: AppDeployment;

  beforeAll(async () => {
    dirs = createTempDirs();
    ({ app } = await bundleFixtureApp({ outDir: dirs.modulesDir("v1"), version: "v1" }));
  });

  afterAll(() => dirs.remove());

  test("a keyed mutation is recorded with its commit (result, commit ts, log lines) and the record survives a restart", async () => {
    const dataDir = dirs.dataDir("survives");
    const first = await createEngine({ dataDir, ...URLS });
    await first.deploy(app);
    const key: MutationKey = { sessionId: "session-a", requestId: "0" };
    const { value, record } = await runKeyedMutation(key, () =>
      call(first, "messages:send", { body: "once", author: "ann" }),
    );
    expect(value.status).toBe("success");
    const id = (value as { value: string }).value;
    expect(record).toEqual({ result: id, ts: first.lastCommitTs(), logLines: [] });
    expect(first.mutationRecords.lookup(key)).toEqual(record);
    // The same request id in another session is another mutation.
    expect(first.mutationRecords.lookup({ sessionId: "session-b", requestId: "0" })).toBeNull();
    await first.close();

    const second = await createEngine({ dataDir, ...URLS });
    expect(second.mutationRecords.lookup(key)).toEqual(record);
    await second.close();
  });

  test("records the top-level result, not a nested ctx.runMutation's, and nothing for scheduled work it starts", async () => {
    const dataDir = dirs.dataDir("nested");
    const engine = await createEngine({ dataDir, ...URLS });
    await engine.deploy(app);
    const bump = await runKeyedMutation({ sessionId: "s", requestId: "1" }, () =>
      call(engine, "messages:bumpCounter", { name: "n" }),
    );
    // `counter.lib.increment` (nested) returns null; bumpCounter returns the count.
    expect(bump.record?.result).toBe(1);

    const later = await runKeyedMutation({ sessionId: "s", requestId: "2" }, () =>
      call(engine, "scheduled:later", { name: "job", delayMs: 0 }),
    );
    expect(later.record?.result).toBe(convexToJson((later.value as { value: string }).value));
    for (let i = 0; i < 100; i++) {
      const events = await call(engine, "scheduled:events");
      if ((events as { value: string[] }).value.includes("job")) break;
      await sleep(20);
    }
    expect((await call(engine, "scheduled:events")) as { value: string[] }).toMatchObject({ value: ["job"] });
    // The scheduled job inherited the keyed call's async context; it commits without a record.
    expect(recordCount(dataDir)).toBe(2);
    await engine.close();
  });

  test("failed and unkeyed mutations record nothing", async () => {
    const dataDir = dirs.dataDir("failed");
    const engine = await createEngine({ dataDir, ...URLS });
    await engine.deploy(app);
    const failed = await runKeyedMutation({ sessionId: "s", requestId: "0" }, () => call(engine, "messages:fail"));
    expect(failed.value.status).toBe("error");
    expect(failed.record).toBeNull();
    await call(engine, "messages:send", { body: "plain", author: "bob" });
    expect(recordCount(dataDir)).toBe(0);
    await engine.close();
  });
});

describe("openMutationDedupStore", () => {
  /** A registered-mutation look-alike, run through the capturing modules map the way convex-test runs it. */
  async function capturingHandler(returns: unknown): Promise<(ctx: unknown, args: unknown) => Promise<unknown>> {
    const send = Object.assign(() => undefined, { isMutation: true, isPublic: true, _handler: async () => returns });
    const modules = captureMutationResults({ "/convex/messages.js": async () => ({ send }) });
    const module = (await modules["/convex/messages.js"]!()) as {
      send: { _handler: (ctx: unknown, args: unknown) => Promise<unknown> };
    };
    return module.send._handler;
  }

  test("the record is written only inside the caller's transaction, and expires after the retention", async () => {
    const db = new DatabaseSync(":memory:");
    let now = 1_000_000;
    const store = openMutationDedupStore(db, { now: () => now });
    const handler = await capturingHandler({ id: "x", n: 2n });
    const key: MutationKey = { sessionId: "s", requestId: "9" };

    // Rolled back with the commit's transaction: no record.
    await runKeyedMutation(key, async () => {
      await handler({}, {});
      db.exec("BEGIN");
      store.recordCommit(5n)!();
      db.exec("ROLLBACK");
    });
    expect(store.lookup(key)).toBeNull();

    const { record } = await runKeyedMutation(key, async () => {
      await handler({}, {});
      db.exec("BEGIN");
      store.recordCommit(7n)!();
      db.exec("COMMIT");
    });
    expect(record).toEqual({ result: { id: "x", n: convexToJson(2n) }, ts: 7n, logLines: [] });
    expect(store.lookup(key)).toEqual(record);
    // Outside a keyed call, or once its record is written, a commit records nothing.
    expect(store.recordCommit(8n)).toBeNull();

    now += MUTATION_RECORD_RETENTION_MS + 1;
    expect(store.lookup(key)).toBeNull();
    // Reopening prunes what expired.
    openMutationDedupStore(db, { now: () => now });
    expect((db.prepare("SELECT count(*) AS n FROM mutation_records").get() as { n: number }).n).toBe(0);
    db.close();
  });
});
