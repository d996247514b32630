import {
  defineSchema,
  defineTable,
  mutationGeneric,
  queryGeneric,
  type FunctionHandle,
  type GenericDataModel,
  type GenericMutationCtx,
  type GenericQueryCtx,
  type PaginationOptions,
} from "convex/server";
import { v } from "convex/values";
import { describe, expect, test } from "vitest";
import { createTestInstance, functionHandle, type ModuleMap } from "./convex-test-internals.ts";
import { readSetKey, readSetOverlaps } from "./read-set.ts";
import { observeReadSets, trackReads } from "./read-set-tracking.ts";

type QCtx = GenericQueryCtx<GenericDataModel>;
type Ctx = GenericMutationCtx<GenericDataModel>;

const schema = defineSchema({
  notes: defineTable({ text: v.string() }).index("by_text", ["text"]),
  other: defineTable({}),
});
const componentSchema = defineSchema({ items: defineTable({ n: v.number() }) });

const rootFunctions = {
  add: mutationGeneric({
    args: { text: v.string() },
    handler: async (ctx: Ctx, { text }) => await ctx.db.insert("notes", { text }),
  }),
  remove: mutationGeneric({
    args: { id: v.string() },
    handler: async (ctx: Ctx, { id }) => await ctx.db.delete(id as never),
  }),
  list: queryGeneric({ args: {}, handler: async (ctx: QCtx) => (await ctx.db.query("notes").collect()).length }),
  byText: queryGeneric({
    args: { text: v.string() },
    handler: async (ctx: QCtx, { text }) =>
      (
        await ctx.db
          .query("notes")
          .withIndex("by_text", (q) => q.eq("text", text))
          .collect()
      ).length,
  }),
  byId: queryGeneric({ args: { id: v.string() }, handler: async (ctx: QCtx, { id }) => await ctx.db.get(id as never) }),
  countItems: queryGeneric({
    args: {},
    handler: async (ctx: QCtx) =>
      await ctx.runQuery(functionHandle("comp", "fns:count") as FunctionHandle<"query">, {}),
  }),
  page: queryGeneric({
    args: { numItems: v.number() },
    handler: async (ctx: QCtx, { numItems }) => {
      const options: PaginationOptions = { numItems, cursor: null };
      const result = await ctx.db.query("notes").withIndex("by_text").paginate(options);
      return {
        texts: result.page.map((note) => note.text),
        continueCursor: result.continueCursor,
        isDone: result.isDone,
      };
    },
  }),
};
const componentFunctions = {
  count: queryGeneric({ args: {}, handler: async (ctx: QCtx) => (await ctx.db.query("items").collect()).length }),
};

function modules(functions: Record<string, unknown>): ModuleMap {
  return { "/m/_generated/api.js": async () => ({}), "/m/fns.js": async () => functions };
}

function setup() {
  const instance = createTestInstance(schema, modules(rootFunctions));
  instance.registerComponent("comp", componentSchema, modules(componentFunctions));
  observeReadSets(instance.global);
  const query = (name: string, args: Record<string, unknown> = {}, journal: string | null = null) =>
    trackReads({ componentPath: "", journal }, () => instance.t.query(functionHandle("", `fns:${name}`), args));
  const mutate = (name: string, args: Record<string, unknown>) =>
    instance.t.mutation(functionHandle("", `fns:${name}`), args);
  return { query, mutate };
}

describe("read-set tracking", () => {
  test("scans read whole tables, gets read single documents", async () => {
    const { query, mutate } = setup();
    const id = (await mutate("add", { text: "a" })) as string;
    const scan = await query("list");
    expect(scan.value).toBe(1);
    expect([...scan.readSet.tables]).toEqual([readSetKey("", "notes")]);
    expect(readSetOverlaps(scan.readSet, [{ componentPath: "", tableName: "other", id: "1;other" }])).toBe(false);
    expect(readSetOverlaps(scan.readSet, [{ componentPath: "", tableName: "notes", id: "9;notes" }])).toBe(true);

    const get = await query("byId", { id });
    expect(get.readSet.tables.size).toBe(0);
    expect([...get.readSet.documents]).toEqual([readSetKey("", id)]);
    expect(readSetOverlaps(get.readSet, [{ componentPath: "", tableName: "notes", id: `${id}x` }])).toBe(false);
    expect(readSetOverlaps(get.readSet, [{ componentPath: "", tableName: "notes", id }])).toBe(true);
  });

  test("component calls read the component's tables, keyed by component path", async () => {
    const { query } = setup();
    const run = await query("countItems");
    expect([...run.readSet.tables]).toEqual([readSetKey("comp", "items")]);
    expect(readSetOverlaps(run.readSet, [{ componentPath: "", tableName: "items", id: "1;items" }])).toBe(false);
    expect(readSetOverlaps(run.readSet, [{ componentPath: "comp", tableName: "items", id: "1;items" }])).toBe(true);
  });

  test("a journal pins the end of the page: inserts grow it, deletes shrink it, the end cursor stays", async () => {
    const { query, mutate } = setup();
    const ids: Record<string, string> = {};
    for (const text of ["b", "d", "f"]) ids[text] = (await mutate("add", { text })) as string;
    const first = await query("page", { numItems: 2 });
    expect(first.value).toMatchObject({ texts: ["b", "d"], isDone: false });
    expect(first.journal).toBe((first.value as { continueCursor: string }).continueCursor);

    await mutate("add", { text: "a" });
    const grown = await query("page", { numItems: 2 }, first.journal);
    expect(grown.value).toEqual({ texts: ["a", "b", "d"], continueCursor: first.journal, isDone: false });
    expect(grown.journal).toBe(first.journal);

    // The document at the end cursor itself goes: the page still ends there (convex-test alone would call it done).
    await mutate("remove", { id: ids.d });
    const shrunk = await query("page", { numItems: 2 }, first.journal);
    expect(shrunk.value).toEqual({ texts: ["a", "b"], continueCursor: first.journal, isDone: false });

    const unpinned = await query("page", { numItems: 2 });
    expect((unpinned.value as { texts: string[] }).texts).toEqual(["a", "b"]);
  });

  test("syscalls outside trackReads are not recorded and still work", async () => {
    const { mutate } = setup();
    expect(typeof (await mutate("add", { text: "x" }))).toBe("string");
  });

  test("index ranges with scalar bounds are matched against the documents before and after a write", async () => {
    const { query } = setup();
    const run = await query("byText", { text: "b" });
    expect(run.readSet.tables.size).toBe(0);
    expect([...run.readSet.ranges.keys()]).toEqual([readSetKey("", "notes")]);
    const write = (before: Record<string, unknown> | null, after: Record<string, unknown> | null) => [
      { componentPath: "", tableName: "notes", id: "1;notes", before, after },
    ];
    expect(readSetOverlaps(run.readSet, write(null, { text: "a" }))).toBe(false);
    expect(readSetOverlaps(run.readSet, write(null, { text: "b" }))).toBe(true);
    expect(readSetOverlaps(run.readSet, write({ text: "b" }, { text: "c" })), "moved out of the range").toBe(true);
    expect(readSetOverlaps(run.readSet, write({ text: "a" }, null))).toBe(false);
    // Unknown versions: assume the worst.
    expect(readSetOverlaps(run.readSet, [{ componentPath: "", tableName: "notes", id: "1;notes" }])).toBe(true);
  });
});
