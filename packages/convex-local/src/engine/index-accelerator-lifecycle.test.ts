/**
 * The sorted indexes stay right across what happens to a database besides
 * commits: schema pushes that redefine, add and remove indexes (a new
 * instance adopting the live database), restarts (documents loaded from the
 * store), `close()` (cleared), and in system tables and component tables.
 * Every test re-checks each indexed read against stock convex-test.
 */
import {
  defineSchema,
  defineTable,
  makeFunctionReference,
  mutationGeneric,
  type GenericDataModel,
  type GenericMutationCtx,
} from "convex/server";
import { v } from "convex/values";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  adoptDatabase,
  clearDatabase,
  createTestInstance,
  loadDatabase,
  redirectComponents,
  runWhenIdle,
  shareTransactionManager,
  tableDocuments,
  type ModuleMap,
} from "./convex-test-internals.ts";
import { createEngine } from "./create-engine.ts";
import { indexAcceleratorStats, installIndexAccelerator, setIndexVerification } from "./index-accelerator.ts";
import { bundleFixtureApp } from "./test-fixtures/bundle-fixture-app.ts";
import { createTempDirs, type TempDirs } from "./test-fixtures/temp-dirs.ts";
import type { Caller, RunResult } from "./types.ts";

type Ctx = GenericMutationCtx<GenericDataModel>;
type Runner = {
  run<T>(handler: (ctx: Ctx) => Promise<T>): Promise<T>;
  runInComponent<T>(componentPath: string, handler: (ctx: Ctx) => Promise<T>): Promise<T>;
};

const fns = { noop: mutationGeneric({ args: {}, handler: async () => {} }) };
const modules: ModuleMap = { "/m/_generated/api.js": async () => ({}), "/m/fns.js": async () => fns };
const fields = { a: v.number(), b: v.string() };
const byA = defineSchema({ items: defineTable(fields).index("by_key", ["a"]) });
const redefined = defineSchema({ items: defineTable(fields).index("by_key", ["b"]).index("by_b_a", ["b", "a"]) });
const removed = defineSchema({ items: defineTable(fields).index("by_b_a", ["b", "a"]) });

function instanceOf(schema: unknown) {
  const instance = createTestInstance(schema, modules);
  return { instance, t: instance.t as unknown as Runner, db: () => instance.global.components[""]!.db };
}

async function byKey(t: Runner, index = "by_key"): Promise<[number, string][]> {
  return await t.run(async (ctx) =>
    (await ctx.db.query("items").withIndex(index).collect()).map((doc) => [doc.a as number, doc.b as string]),
  );
}

beforeAll(() => installIndexAccelerator());
beforeEach(() => setIndexVerification(true));
afterEach(() => setIndexVerification(false));

describe("sorted indexes outside commits", () => {
  test("a schema push that redefines, adds and removes indexes", async () => {
    const first = instanceOf(byA);
    await first.t.run(async (ctx) => {
      for (const [a, b] of [
        [3, "x"],
        [1, "z"],
        [2, "y"],
      ] as const)
        await ctx.db.insert("items", { a, b });
    });
    expect(await byKey(first.t)).toEqual([
      [1, "z"],
      [2, "y"],
      [3, "x"],
    ]);

    // What createEngine does on a push: the new instance adopts the live database.
    const push = async (schema: unknown) => {
      const next = instanceOf(schema);
      shareTransactionManager(next.instance.global, first.instance.global.transactionManager);
      await runWhenIdle(first.instance.global.transactionManager, () => {
        adoptDatabase(next.instance.global, "", first.db());
        redirectComponents(first.instance.global, next.instance.global);
      });
      return next;
    };
    const second = await push(redefined);
    expect(await byKey(second.t), "by_key now orders by b").toEqual([
      [3, "x"],
      [2, "y"],
      [1, "z"],
    ]);
    await second.t.run(async (ctx) => void (await ctx.db.insert("items", { a: 0, b: "xx" })));
    expect(await byKey(second.t, "by_b_a")).toEqual([
      [3, "x"],
      [0, "xx"],
      [2, "y"],
      [1, "z"],
    ]);

    const third = await push(removed);
    await expect(byKey(third.t)).rejects.toThrow('Cannot use index "by_key" for table "items"');
    expect(await byKey(third.t, "by_b_a")).toEqual([
      [3, "x"],
      [0, "xx"],
      [2, "y"],
      [1, "z"],
    ]);
  });

  test("documents loaded from the store after an index was built, and a cleared database", async () => {
    const source = instanceOf(byA);
    await source.t.run(async (ctx) => {
      for (let a = 0; a < 20; a++) await ctx.db.insert("items", { a: (a * 7) % 20, b: `b${a}` });
    });
    const documents = [...tableDocuments(source.db(), "items")].map((document) => ({ tableName: "items", document }));

    const restarted = instanceOf(byA);
    expect(await byKey(restarted.t), "an index over the empty table").toEqual([]);
    const built = indexAcceleratorStats().indexesBuilt;
    loadDatabase(restarted.db(), { documents, files: [], nextDocId: 20000, lastCreationTime: 0 });
    const keys = await byKey(restarted.t);
    expect(keys.map(([a]) => a)).toEqual([...Array(20).keys()]);
    expect(indexAcceleratorStats().indexesBuilt, "rebuilt after the load").toBe(built + 1);

    clearDatabase(restarted.db());
    expect(await byKey(restarted.t)).toEqual([]);
  });

  test("system tables: _scheduled_functions and _storage", async () => {
    const { t } = instanceOf(byA);
    const noop = makeFunctionReference<"mutation">("fns:noop");
    const ids = await t.run(async (ctx) => {
      const scheduled = [];
      for (let i = 0; i < 12; i++) scheduled.push(await ctx.scheduler.runAfter(600_000 + i, noop, {}));
      return scheduled;
    });
    const jobs = () =>
      t.run(async (ctx) => {
        const all = await ctx.db.system.query("_scheduled_functions").order("desc").collect();
        const newer = await ctx.db.system
          .query("_scheduled_functions")
          .withIndex("by_creation_time", (q) => q.gt("_creationTime", all[6]!._creationTime))
          .collect();
        const page = await ctx.db.system.query("_scheduled_functions").paginate({ cursor: null, numItems: 5 });
        const next = await ctx.db.system
          .query("_scheduled_functions")
          .paginate({ cursor: page.continueCursor, numItems: 5 });
        return {
          all: all.map((job) => [job._id, job.state.kind]),
          newer: newer.map((job) => job._id),
          paged: [...page.page, ...next.page].map((job) => job._id),
        };
      });
    expect(await jobs()).toEqual({
      all: [...ids].reverse().map((id) => [id, "pending"]),
      newer: ids.slice(6),
      paged: ids.slice(0, 10),
    });
    await t.run(async (ctx) => {
      for (const id of ids.slice(0, 6)) await ctx.scheduler.cancel(id);
    });
    expect((await jobs()).all.map(([, kind]) => kind)).toEqual([
      ...Array(6).fill("pending"),
      ...Array(6).fill("canceled"),
    ]);
    await t.run(async (ctx) => {
      for (const id of ids.slice(6)) await ctx.scheduler.cancel(id);
    });

    const storageIds = await t.run(async (ctx) => [
      await ctx.storage.store(new Blob(["one"])),
      await ctx.storage.store(new Blob(["two"])),
    ]);
    const stored = await t.run(async (ctx) =>
      (await ctx.db.system.query("_storage").order("desc").collect()).map((f) => f._id),
    );
    expect(stored).toEqual([...storageIds].reverse());
  });

  test("component tables have their own indexes", async () => {
    const { instance, t } = instanceOf(byA);
    instance.registerComponent("comp", redefined, modules);
    await t.run(async (ctx) => void (await ctx.db.insert("items", { a: 1, b: "root" })));
    await t.runInComponent("comp", async (ctx) => {
      for (const [a, b] of [
        [2, "k"],
        [1, "m"],
        [3, "k"],
      ] as const)
        await ctx.db.insert("items", { a, b });
    });
    const inComponent = await t.runInComponent("comp", async (ctx) =>
      (
        await ctx.db
          .query("items")
          .withIndex("by_b_a", (q) => q.eq("b", "k"))
          .order("desc")
          .collect()
      ).map((d) => d.a),
    );
    expect(inComponent).toEqual([3, 2]);
    expect(await byKey(t)).toEqual([[1, "root"]]);
  });
});

describe("an engine's indexed reads across restarts and pushes", () => {
  let dirs: TempDirs;
  beforeAll(() => (dirs = createTempDirs()));
  afterAll(() => dirs.remove());

  const admin: Caller = { kind: "admin" };
  const valueOf = (result: RunResult) => {
    if (result.status !== "success") throw new Error(result.errorMessage);
    return result.value;
  };

  test("a component's withIndex counters survive a restart from SQLite and a push", async () => {
    const { app } = await bundleFixtureApp({ outDir: dirs.modulesDir("v1"), version: "v1" });
    const options = { dataDir: dirs.dataDir(), cloudUrl: "http://127.0.0.1:3210", siteUrl: "http://127.0.0.1:3211" };
    const bump = (engine: Awaited<ReturnType<typeof createEngine>>, name: string) =>
      engine.run({ componentPath: "", udfPath: "messages:bumpCounter", args: { name }, caller: admin });
    const read = async (engine: Awaited<ReturnType<typeof createEngine>>, name: string) =>
      valueOf(await engine.run({ componentPath: "counter", udfPath: "lib:get", args: { name }, caller: admin }));

    const first = await createEngine(options);
    await first.deploy(app);
    for (let i = 0; i < 30; i++) valueOf(await bump(first, `c${(i * 7) % 10}`));
    await first.close();

    const second = await createEngine(options);
    await second.deploy({ ...app, version: "v1-restarted" });
    for (let i = 0; i < 10; i++) expect(await read(second, `c${i}`)).toBe(3);
    expect(valueOf(await bump(second, "c4"))).toBe(4);
    await second.deploy({ ...app, version: "v1-pushed" });
    expect(await read(second, "c4")).toBe(4);
    expect(valueOf(await bump(second, "new"))).toBe(1);
    await second.close();
  });
});
