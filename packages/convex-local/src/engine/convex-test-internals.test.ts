/**
 * Pins every assumption convex-local makes about convex-test's internals. When
 * a convex-test upgrade breaks one, the failing test names it.
 */
import {
  actionGeneric,
  defineSchema,
  defineTable,
  makeFunctionReference,
  mutationGeneric,
  queryGeneric,
  type GenericMutationCtx,
  type GenericQueryCtx,
  type FunctionHandle,
  type GenericDataModel,
} from "convex/server";
import { convexToJson, v, type Value } from "convex/values";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import {
  adoptDatabase,
  assertInternalsShape,
  clearDatabase,
  committedDocument,
  createTestInstance,
  databaseSchema,
  decodePaginationCursor,
  fieldReader,
  fileDigest,
  functionHandle,
  hookCommits,
  hookDatabaseQueries,
  indexKeyFields,
  loadDatabase,
  markScheduledJobFailed,
  pendingWriteIds,
  rangeBoundValue,
  rearmScheduledJob,
  redirectComponents,
  runWhenIdle,
  scheduledTargetComponent,
  setDeploymentJwtKey,
  shareTransactionManager,
  tableDocuments,
  tableNameFromId,
  validateDocument,
  validatorProbe,
  wrapSyncSyscall,
  wrapSyscalls,
  type CommittedChange,
  type CommittedTransaction,
  type DatabaseQueryHooks,
  type InternalDocument,
  type ModuleMap,
} from "./convex-test-internals.ts";

type Ctx = GenericMutationCtx<GenericDataModel>;
type QCtx = GenericQueryCtx<GenericDataModel>;

// Holds the `gated` mutation open until a test releases it.
let openGate: () => void = () => {};
const gate = { promise: new Promise<void>((resolve) => (openGate = resolve)), resolve: () => openGate() };

const schema = defineSchema({ notes: defineTable({ text: v.string() }), log: defineTable({ entry: v.string() }) });
const componentSchema = defineSchema({ items: defineTable({ n: v.number() }) });

const rootFunctions = {
  add: mutationGeneric({
    args: { text: v.string() },
    handler: async (ctx: Ctx, { text }) => await ctx.db.insert("notes", { text }),
  }),
  list: queryGeneric({ args: {}, handler: async (ctx: QCtx) => await ctx.db.query("notes").collect() }),
  countInComponent: queryGeneric({
    args: {},
    handler: async (ctx: QCtx) =>
      await ctx.runQuery(functionHandle("comp", "fns:count") as FunctionHandle<"query">, {}),
  }),
  record: mutationGeneric({
    args: { entry: v.string() },
    handler: async (ctx: Ctx, { entry }) => {
      await ctx.db.insert("log", { entry });
    },
  }),
  addEverywhere: mutationGeneric({
    args: {},
    handler: async (ctx: Ctx) => {
      await ctx.db.insert("notes", { text: "root" });
      const handle = functionHandle("comp", "fns:add") as FunctionHandle<"mutation">;
      await ctx.runMutation(handle, { n: 1 });
    },
  }),
  failAfterWrite: mutationGeneric({
    args: {},
    handler: async (ctx: Ctx) => {
      await ctx.db.insert("notes", { text: "never" });
      throw new Error("rolled back");
    },
  }),
  gated: mutationGeneric({
    args: {},
    handler: async (ctx: Ctx) => {
      await ctx.db.insert("notes", { text: "gated" });
      await gate.promise;
    },
  }),
  storeFile: actionGeneric({
    args: {},
    handler: async (ctx) => await ctx.storage.store(new Blob(["file bytes"], { type: "text/plain" })),
  }),
  sign: mutationGeneric({
    args: {},
    handler: async (ctx: Ctx) =>
      await (ctx.auth as unknown as { signJwt(o: unknown): Promise<string> }).signJwt({
        claims: { aud: "a" },
        expiresInSeconds: 10,
      }),
  }),
};
const componentFunctions = {
  add: mutationGeneric({
    args: { n: v.number() },
    handler: async (ctx: Ctx, { n }) => await ctx.db.insert("items", { n }),
  }),
  count: queryGeneric({ args: {}, handler: async (ctx: QCtx) => (await ctx.db.query("items").collect()).length }),
};

function modules(functions: Record<string, unknown>): ModuleMap {
  return { "/m/_generated/api.js": async () => ({}), "/m/fns.js": async () => functions };
}

function newInstance() {
  const instance = createTestInstance(schema, modules(rootFunctions));
  instance.registerComponent("comp", componentSchema, modules(componentFunctions));
  return instance;
}

function root(instance: ReturnType<typeof newInstance>) {
  return instance.global.components[""]!.db;
}

describe("convex-test internals convex-local relies on", () => {
  test("convex-test is the pinned version", () => {
    const require = createRequire(import.meta.url);
    const packageJson = path.join(path.dirname(require.resolve("convex-test")), "..", "package.json");
    expect(
      JSON.parse(readFileSync(packageJson, "utf8")).version,
      "convex-local's engine is written against convex-test 0.0.70",
    ).toBe("0.0.70");
  });

  test("the private global is captured and has the expected shape", () => {
    const instance = newInstance();
    expect(() => assertInternalsShape(instance.global)).not.toThrow();
    expect(Object.keys(instance.global.components).sort()).toEqual(["", "comp"]);
    expect(instance.global.deploymentJwtKey, "convex-test generates its key lazily; a preset key must win").toBeNull();
  });

  test("each instance has its own global", () => {
    expect(newInstance().global).not.toBe(newInstance().global);
  });

  test("DatabaseFake keeps committed documents, table ids and counters in the expected fields", async () => {
    const instance = newInstance();
    const id = (await instance.t.mutation(functionHandle("", "fns:add"), { text: "a" })) as string;
    const db = root(instance);
    expect(tableNameFromId(id), "ids are `<counter><table>`").toBe("notes");
    expect(db._documents[id]).toMatchObject({ _id: id, text: "a" });
    expect(db._tableIds.get("notes")?.has(id)).toBe(true);
    expect(db._nextDocId).toBe(Number(/^\d+/.exec(id)![0]) + 1);
    expect(db._lastCreationTime).toBe(db._documents[id]!._creationTime);
    expect(db._writes, "no pending write layer outside transactions").toEqual([]);
    expect([...tableDocuments(db, "notes")].map((doc) => doc._id)).toEqual([id]);
  });

  test("the commit hook sees each top-level commit once, with nested component writes in it", async () => {
    const instance = newInstance();
    const commits: CommittedTransaction[] = [];
    hookCommits(instance.global.transactionManager, (commit) => commits.push(commit));
    await instance.t.mutation(functionHandle("", "fns:addEverywhere"), {});
    expect(commits).toHaveLength(1);
    const [commit] = commits;
    expect(commit!.ts).toBe(instance.global.transactionManager._lastCommitTs);
    const byComponent = Object.fromEntries(commit!.components.map((c) => [c.componentPath, c]));
    expect(byComponent[""]?.documents.map((d) => [d.tableName, (d.document as InternalDocument).text])).toEqual([
      ["notes", "root"],
    ]);
    expect(byComponent["comp"]?.documents.map((d) => [d.tableName, (d.document as InternalDocument).n])).toEqual([
      ["items", 1],
    ]);
    expect(byComponent["comp"]?.nextDocId).toBe(instance.global.components.comp!.db._nextDocId);
  });

  test("the commit hook reports deletes as null, previous versions, and no rolled-back transaction", async () => {
    const instance = newInstance();
    const commits: CommittedTransaction[] = [];
    const id = (await instance.t.mutation(functionHandle("", "fns:add"), { text: "x" })) as string;
    hookCommits(instance.global.transactionManager, (commit) => commits.push(commit));
    await expect(instance.t.mutation(functionHandle("", "fns:failAfterWrite"), {})).rejects.toThrow("rolled back");
    await instance.t.query(functionHandle("", "fns:list"), {});
    expect(commits, "queries and failed mutations commit nothing").toHaveLength(0);
    await instance.t.runInComponent("", async () => {
      root(instance).patch("notes", id, { text: "y" });
    });
    await (instance.t as unknown as { run(f: (ctx: Ctx) => Promise<void>): Promise<void> }).run(async (ctx) => {
      await ctx.db.delete(id as never);
    });
    expect(commits.map((c) => c.components[0]!.documents[0]!.document?.text ?? null)).toEqual(["y", null]);
    // The versions before each commit (read-set-tracking.ts matches both against index ranges).
    expect(commits.map((c) => c.components[0]!.documents[0]!.previous?.text ?? null)).toEqual(["x", "y"]);
  });

  test("the commit hook reports stored files, whose _storage sha256 is fileDigest of their bytes", async () => {
    const instance = newInstance();
    const commits: CommittedTransaction[] = [];
    hookCommits(instance.global.transactionManager, (commit) => commits.push(commit));
    const id = (await instance.t.action(functionHandle("", "fns:storeFile"), {})) as string;
    expect(commits).toHaveLength(1);
    const [component] = commits[0]!.components;
    expect(component!.files.map((file) => file.id)).toEqual([id]);
    expect(await component!.files[0]!.blob.text()).toBe("file bytes");
    expect(component!.documents[0]!.document).toMatchObject({
      _id: id,
      sha256: fileDigest(new TextEncoder().encode("file bytes")),
      contentType: "text/plain",
    });
  });

  test("function handles address any component and resolve through convex-test", async () => {
    const instance = newInstance();
    expect(functionHandle("comp", "fns:add")).toBe("function://comp;fns:add");
    await instance.t.mutation(functionHandle("comp", "fns:add"), { n: 5 });
    expect(await instance.t.query(functionHandle("comp", "fns:count"), {})).toBe(1);
    expect(await instance.t.query(functionHandle("", "fns:list"), {})).toEqual([]);
  });

  test("loaded documents are visible and new ids don't collide", async () => {
    const instance = newInstance();
    const doc = { _id: "000000000000000000010041notes", _creationTime: 1000, text: "old" };
    loadDatabase(root(instance), {
      documents: [{ tableName: "notes", document: doc }],
      files: [],
      nextDocId: 10005,
      lastCreationTime: 1000,
    });
    expect(await instance.t.query(functionHandle("", "fns:list"), {})).toEqual([doc]);
    const id = (await instance.t.mutation(functionHandle("", "fns:add"), { text: "new" })) as string;
    expect(Number(/^\d+/.exec(id)![0]), "the counter continues after the highest loaded id").toBe(10042);
  });

  test("a restored pending job runs through convex-test's scheduler under its own id", async () => {
    const instance = newInstance();
    const jobId = "000000000000010007_scheduled_functions";
    const job = {
      _id: jobId,
      _creationTime: 1,
      name: "fns:record",
      args: [{ entry: "ran" }],
      scheduledTime: Date.now() - 5,
      state: { kind: "pending" },
    };
    loadDatabase(root(instance), {
      documents: [{ tableName: "_scheduled_functions", document: job }],
      files: [],
      nextDocId: 10008,
      lastCreationTime: 1,
    });
    await rearmScheduledJob(
      instance,
      {
        id: jobId,
        componentPath: "",
        targetComponentPath: "",
        udfPath: "fns:record",
        args: { entry: "ran" },
        scheduledTime: job.scheduledTime,
      },
      (a) => convexToJson(a as Value),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await (
      instance.t as unknown as { finishInProgressScheduledFunctions(): Promise<void> }
    ).finishInProgressScheduledFunctions();
    const jobs = [...tableDocuments(root(instance), "_scheduled_functions")];
    expect(
      jobs.map((j) => [j._id, (j.state as { kind: string }).kind]),
      "no second document, state moved to success",
    ).toEqual([[jobId, "success"]]);
    expect([...tableDocuments(root(instance), "log")].map((d) => d.entry)).toEqual(["ran"]);
  });

  test("a job can be marked failed the way convex-test's scheduler does", async () => {
    const instance = newInstance();
    const jobId = "000000000000010001_scheduled_functions";
    const job = {
      _id: jobId,
      _creationTime: 1,
      name: "fns:record",
      args: [{}],
      scheduledTime: 1,
      state: { kind: "inProgress" },
    };
    loadDatabase(root(instance), {
      documents: [{ tableName: "_scheduled_functions", document: job }],
      files: [],
      nextDocId: 10002,
      lastCreationTime: 1,
    });
    await markScheduledJobFailed(instance, "", jobId);
    expect(root(instance)._documents[jobId]).toMatchObject({
      state: { kind: "failed" },
      completedTime: expect.any(Number),
    });
  });

  test("signJwt signs with a preset deployment key", async () => {
    const instance = newInstance();
    const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const { x, y } = await crypto.subtle.exportKey("jwk", pair.publicKey);
    const publicJwk = { kty: "EC", crv: "P-256", x: x!, y: y!, kid: "preset-kid", alg: "ES256", use: "sig" } as const;
    setDeploymentJwtKey(instance.global, { privateKey: pair.privateKey, kid: "preset-kid", publicJwk });
    const token = (await instance.t.mutation(functionHandle("", "fns:sign"), {})) as string;
    const [header, payload, signature] = token.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toMatchObject({ alg: "ES256", kid: "preset-kid" });
    const valid = await crypto.subtle.verify(
      { name: "ECDSA", hash: "SHA-256" },
      pair.publicKey,
      Buffer.from(signature, "base64url"),
      new TextEncoder().encode(`${header}.${payload}`),
    );
    expect(valid).toBe(true);
  });

  test("a new instance can adopt live databases and share the transaction manager", async () => {
    const first = newInstance();
    const id = (await first.t.mutation(functionHandle("", "fns:add"), { text: "kept" })) as string;
    const stricter = defineSchema({
      notes: defineTable({ text: v.string(), extra: v.number() }),
      log: defineTable({ entry: v.string() }),
    });
    const second = createTestInstance(stricter, modules(rootFunctions));
    second.registerComponent("comp", componentSchema, modules(componentFunctions));
    shareTransactionManager(second.global, first.global.transactionManager);
    const liveRoot = root(first);
    await runWhenIdle(first.global.transactionManager, () => {
      adoptDatabase(second.global, "", liveRoot);
      adoptDatabase(second.global, "comp", first.global.components.comp!.db);
      redirectComponents(first.global, second.global);
    });
    expect(second.global.components[""]!.db).toBe(liveRoot);
    expect(databaseSchema(liveRoot)?.tables.has("notes")).toBe(true);
    expect(await second.t.query(functionHandle("", "fns:list"), {})).toMatchObject([{ _id: id }]);
    await expect(
      second.t.mutation(functionHandle("", "fns:add"), { text: "no extra" }),
      "the new schema applies",
    ).rejects.toThrow("Missing required field `extra`");
    expect(first.global.components[""], "the old instance now reaches the new entries").toBe(
      second.global.components[""],
    );
  });

  test("runWhenIdle waits for the running transaction", async () => {
    const instance = newInstance();
    const tm = instance.global.transactionManager;
    const running = instance.t.mutation(functionHandle("", "fns:gated"), {});
    for (let i = 0; i < 1000 && tm._waitOnCurrentFunction === null; i++)
      await new Promise((resolve) => setImmediate(resolve));
    expect(tm._waitOnCurrentFunction, "the gated mutation holds the transaction lock").not.toBeNull();
    let ran = false;
    const idle = runWhenIdle(tm, () => {
      ran = true;
      return { committed: Object.values(root(instance)._documents).some((doc) => doc.text === "gated") };
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ran, "must not run while the mutation holds the lock").toBe(false);
    gate.resolve();
    await running;
    expect(await idle).toEqual({ committed: true });
  });

  test("DatabaseFake validates documents against its schema; probes validate sub-validators", () => {
    const db = root(newInstance());
    expect(() => validateDocument(db, "notes", { text: "fine" })).not.toThrow();
    expect(() => validateDocument(db, "notes", {})).toThrow("Validator error: Missing required field `text` in object");
    expect(() => validateDocument(db, "notes", { text: 1 })).toThrow("Validator error: Expected `string`, got `1`");
    const probe = validatorProbe({ type: "object", value: { n: { fieldType: { type: "number" }, optional: false } } });
    expect(() => validateDocument(probe, "probe", { n: "x" })).toThrow("Validator error");
    expect(databaseSchema(db)?.schemaValidation).toBe(true);
  });

  test("schedule targets follow Convex's address forms", () => {
    expect(scheduledTargetComponent({ functionHandle: "function://a/b;m:f" }, "")).toBe("a/b");
    expect(scheduledTargetComponent({ reference: "_reference/childComponent/counter/lib/increment" }, "")).toBe(
      "counter",
    );
    expect(scheduledTargetComponent({ reference: "_reference/childComponent/inner/lib/f" }, "outer")).toBe(
      "outer/inner",
    );
    expect(scheduledTargetComponent({}, "outer")).toBe("outer");
  });

  test("makeFunctionReference names reach the scheduler of the calling component", async () => {
    const instance = newInstance();
    await instance.t.runInComponent("", async (ctx) => {
      await ctx.scheduler.runAfter(0, makeFunctionReference("fns:record"), { entry: "cron" });
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await (
      instance.t as unknown as { finishInProgressScheduledFunctions(): Promise<void> }
    ).finishInProgressScheduledFunctions();
    expect([...tableDocuments(root(instance), "log")].map((d) => d.entry)).toEqual(["cron"]);
    // The job document shape restore-scheduled-jobs.ts reads back after a restart.
    expect([...tableDocuments(root(instance), "_scheduled_functions")]).toEqual([
      expect.objectContaining({
        name: "fns:record",
        args: [{ entry: "cron" }],
        scheduledTime: expect.closeTo(Date.now(), -3),
        state: { kind: "success" },
      }),
    ]);
  });

  test("query syscalls: streams are sync, nested component calls are `1.0/runUdf` with the target's address", async () => {
    // read-set-tracking.ts follows component calls through `1.0/runUdf` and sees table reads in `1.0/queryStream`.
    const instance = newInstance();
    const seen: string[] = [];
    wrapSyncSyscall(instance.global, (original) => (op, json) => {
      if (op === "1.0/queryStream") seen.push(`sync ${op} ${JSON.stringify((JSON.parse(json) as { query: { source: unknown } }).query.source)}`);
      return original(op, json);
    });
    wrapSyscalls(instance.global, {
      async: (original) => async (op, json) => {
        if (op === "1.0/runUdf") seen.push(`async ${op} ${(JSON.parse(json) as { functionHandle?: string }).functionHandle}`);
        return await original(op, json);
      },
    });
    expect(await instance.t.query(functionHandle("", "fns:countInComponent"), {})).toBe(0);
    expect(seen).toEqual([
      "async 1.0/runUdf function://comp;fns:count",
      'sync 1.0/queryStream {"type":"FullTableScan","tableName":"items","order":null}',
    ]);
    expect(scheduledTargetComponent({ functionHandle: "function://comp;fns:count" }, "")).toBe("comp");
  });

  describe("query resolution hooks (index-accelerator.ts)", () => {
    afterEach(() => hookDatabaseQueries(null));
    const indexed = defineSchema({
      notes: defineTable({ text: v.string(), n: v.optional(v.any()) }).index("by_text", ["text"]),
      log: defineTable({ entry: v.string() }),
    });
    type Runner = { run<T>(handler: (ctx: Ctx) => Promise<T>): Promise<T> };
    const byText = (ctx: Ctx) => ctx.db.query("notes").withIndex("by_text", (q) => q.gte("text", "b"));

    test("resolveQuerySource sees each query with convex-test's full and pending-only answers", async () => {
      const instance = createTestInstance(indexed, modules(rootFunctions));
      const t = instance.t as unknown as Runner;
      await t.run(async (ctx) => {
        for (const text of ["a", "c", "b"]) await ctx.db.insert("notes", { text });
      });
      const seen: unknown[] = [];
      hookDatabaseQueries({
        resolveQuerySource(db, query, stock) {
          const all = stock.all();
          const pending = stock.pendingOnly();
          seen.push({
            source: query.source,
            all: Array.from(all.sortedDocs, (doc) => doc.text),
            pending: Array.from(pending.sortedDocs, (doc) => doc.text),
            sortBy: pending.fieldPathsToSortBy,
            order: pending.order,
            limit: pending.limit,
            written: pendingWriteIds(db, "notes").map((id) => committedDocument(db, id)?.text ?? "new"),
          });
          return all;
        },
        paginate: (_db, args, stock) => {
          seen.push({ paginate: args.cursor, pageSize: args.pageSize });
          return stock();
        },
        committed() {},
        reset() {},
      });
      const texts = await t.run(async (ctx) => {
        const first = await ctx.db.query("notes").withIndex("by_text", (q) => q.gte("text", "b")).first();
        await ctx.db.patch(first!._id as never, { text: "bb" });
        await ctx.db.insert("notes", { text: "d" });
        const page = await byText(ctx).order("desc").take(3);
        return page.map((doc) => doc.text);
      });
      expect(texts).toEqual(["d", "c", "bb"]);
      expect(seen).toEqual([
        {
          source: {
            type: "IndexRange",
            indexName: "notes.by_text",
            range: [{ type: "Gte", fieldPath: "text", value: "b" }],
            order: null,
          },
          all: ["b", "c"],
          pending: [],
          sortBy: ["text", "_creationTime", "_id"],
          order: "asc",
          limit: 1,
          written: [],
        },
        {
          source: expect.objectContaining({ order: "desc" }),
          all: ["d", "c", "bb"],
          pending: ["d", "bb"],
          sortBy: ["text", "_creationTime", "_id"],
          order: "desc",
          limit: 3,
          written: ["b", "new"],
        },
      ]);
      seen.length = 0;
      const page = await t.run(async (ctx) => await byText(ctx).paginate({ cursor: null, numItems: 1 }));
      expect(seen).toEqual([{ paginate: null, pageSize: 1 }, expect.objectContaining({ all: ["bb", "c", "d"] })]);
      const cursorKeys = decodePaginationCursor(page.continueCursor);
      expect(cursorKeys, "a cursor holds the sort key of the page's last document").toEqual([
        "bb",
        page.page[0]!._creationTime,
        page.page[0]!._id,
      ]);
    });

    test("committed sees each top-level commit once, with versions before and after; reset sees loads, clears and pushes", async () => {
      const instance = createTestInstance(indexed, modules(rootFunctions));
      instance.registerComponent("comp", componentSchema, modules(componentFunctions));
      const t = instance.t as unknown as Runner;
      const events: (CommittedChange[] | string)[] = [];
      const names = new Map([
        [root(instance), "root"],
        [instance.global.components.comp!.db, "comp"],
      ]);
      const hooks: DatabaseQueryHooks = {
        resolveQuerySource: (_db, _query, stock) => stock.all(),
        paginate: (_db, _args, stock) => stock(),
        committed: (db, changes) => events.push(changes.map((c) => ({ ...c, id: names.get(db)! }))),
        reset: (db) => events.push(`reset ${names.get(db)}`),
      };
      hookDatabaseQueries(hooks);
      const id = (await instance.t.mutation(functionHandle("", "fns:add"), { text: "x" })) as string;
      await t.run(async (ctx) => void (await ctx.db.patch(id as never, { text: "y" })));
      await expect(instance.t.mutation(functionHandle("", "fns:failAfterWrite"), {})).rejects.toThrow("rolled back");
      await instance.t.mutation(functionHandle("", "fns:addEverywhere"), {});
      const version = (doc: InternalDocument | null) => doc?.text ?? doc?.n ?? "-";
      const text = (changes: CommittedChange[] | string) =>
        typeof changes === "string"
          ? changes
          : changes.map((c) => `${c.id} ${c.tableName} ${version(c.before)}→${version(c.after)}`);
      expect(events.map(text), "no commit for the failed mutation; the nested one is in the top-level commit").toEqual([
        ["root notes -→x"],
        [],
        ["root notes x→y"],
        [],
        ["root notes -→root"],
        ["comp items -→1"],
      ]);
      events.length = 0;
      loadDatabase(root(instance), { documents: [], files: [], nextDocId: 0, lastCreationTime: 0 });
      clearDatabase(root(instance));
      const next = createTestInstance(indexed, modules(rootFunctions));
      adoptDatabase(next.global, "", root(instance));
      expect(events).toEqual(["reset root", "reset root", "reset root"]);
    });

    test("index keys, field paths, range values and cursors as convex-test reads them", () => {
      const db = root(createTestInstance(indexed, modules(rootFunctions)));
      expect(indexKeyFields(db, "notes", "by_text")).toEqual(["text", "_creationTime", "_id"]);
      expect(indexKeyFields(db, "notes", "by_creation_time")).toEqual(["_creationTime", "_id"]);
      expect(indexKeyFields(db, "notes", "by_id")).toEqual(["_id"]);
      expect(indexKeyFields(db, "notes", "missing")).toBeNull();
      const doc = { _id: "1notes", _creationTime: 1, o: { x: 1, arr: [{ x: 2 }] }, s: "str", nil: null };
      expect(fieldReader("o.x")(doc)).toBe(1);
      expect(fieldReader("o.arr.x")(doc), "arrays are not descended into").toBeUndefined();
      expect(fieldReader("s.length")(doc)).toBeUndefined();
      expect(fieldReader("nil.x")(doc)).toBeUndefined();
      expect(fieldReader("o")({ ...doc, o: Object.create(null) })).toEqual({});
      expect(rangeBoundValue({ $undefined: null })).toBeUndefined();
      expect(rangeBoundValue(convexToJson(5n))).toBe(5n);
      expect(decodePaginationCursor(JSON.stringify([null, JSON.stringify(convexToJson(2n))]))).toEqual([undefined, 2n]);
    });
  });
});
