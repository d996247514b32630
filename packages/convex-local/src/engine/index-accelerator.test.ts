/**
 * The sorted indexes answer exactly what a full scan answers: randomized
 * documents of every Convex type with many equal keys, random ranges
 * (eq/gt/gte/lt/lte), both orders, `.paginate` cursors, reads of a
 * mutation's own writes, deletes, patches, replaces and rolled-back
 * mutations. And a lookup in a large table reads O(log n + k) entries.
 */
import { defineSchema, defineTable, type GenericDataModel, type GenericMutationCtx } from "convex/server";
import { v, type Value } from "convex/values";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { createTestInstance, type ModuleMap } from "./convex-test-internals.ts";
import { indexAcceleratorStats, installIndexAccelerator, setIndexVerification } from "./index-accelerator.ts";
import {
  applyRange,
  pick,
  randomRange,
  referenceIds,
  seededRandom,
  VALUE_POOL,
  type ModelDoc,
  type RangeOp,
} from "./test-fixtures/index-reference.ts";

type Ctx = GenericMutationCtx<GenericDataModel>;
type Runner = { run<T>(handler: (ctx: Ctx) => Promise<T>): Promise<T> };

const INDEXES: Record<string, string[]> = {
  by_a: ["a"],
  by_a_b: ["a", "b"],
  by_tag_a: ["tag", "a"],
  by_o_x: ["o.x"],
  by_creation_time: ["_creationTime"],
};
const optionalAny = v.optional(v.any());
const schema = defineSchema({
  items: defineTable({ tag: v.string(), a: optionalAny, b: optionalAny, o: optionalAny })
    .index("by_a", ["a"])
    .index("by_a_b", ["a", "b"])
    .index("by_tag_a", ["tag", "a"])
    .index("by_o_x", ["o.x"]),
  big: defineTable({ k: v.number() }).index("by_k", ["k"]),
});
const modules: ModuleMap = { "/m/_generated/api.js": async () => ({}) };

/** A read: an index (or a full scan) with a range and an order. */
type Spec = { index: string; ops: RangeOp[]; order: "asc" | "desc" };

/** A readable spec for assertion messages (bigints, bytes, -0 and NaN included). */
function describeSpec(spec: Spec): string {
  return JSON.stringify(spec, (_key, value: unknown) => {
    if (typeof value === "bigint") return `${value}n`;
    if (value instanceof ArrayBuffer) return `bytes(${[...new Uint8Array(value)].join(",")})`;
    if (typeof value === "number" && (Object.is(value, -0) || !Number.isFinite(value)))
      return String(Object.is(value, -0) ? "-0" : value);
    return value === undefined ? "undefined" : value;
  });
}

function newRunner(): Runner {
  return createTestInstance(schema, modules).t as unknown as Runner;
}

function keyOf(spec: Spec): string[] {
  return spec.index === "scan"
    ? ["_creationTime", "_id"]
    : [...INDEXES[spec.index]!.filter((f) => f !== "_creationTime"), "_creationTime", "_id"];
}

function expected(model: Map<string, ModelDoc>, spec: Spec): string[] {
  return referenceIds(model.values(), keyOf(spec), spec.ops, spec.order);
}

function source(ctx: Ctx, spec: Spec) {
  const query = ctx.db.query("items");
  if (spec.index === "scan") return query.order(spec.order);
  return query.withIndex(spec.index, (q) => applyRange(q, spec.ops)).order(spec.order);
}

/** Whole documents, so a stale version left in an index shows too. */
async function read(ctx: Ctx, spec: Spec): Promise<ModelDoc[]> {
  return (await source(ctx, spec).collect()) as ModelDoc[];
}

function expectedDocs(model: Map<string, ModelDoc>, spec: Spec): ModelDoc[] {
  return expected(model, spec).map((id) => model.get(id)!);
}

function randomSpec(random: () => number, model: Map<string, ModelDoc>): Spec {
  const index = pick(random, [...Object.keys(INDEXES), "scan"]);
  const order = pick(random, ["asc", "desc"] as const);
  if (index === "scan") return { index, ops: [], order };
  const times = [...model.values()].map((doc) => doc._creationTime);
  const values = index === "by_creation_time" ? [...times, ...times.map((t) => t + 0.0001), 0, Infinity] : VALUE_POOL;
  const tags = index === "by_tag_a" ? ["x", "y", "z", "w"] : null;
  const ops = randomRange(random, INDEXES[index]!, values);
  // The leading `tag` of by_tag_a mostly takes existing tags, so ranges aren't all empty.
  if (tags !== null && ops[0] !== undefined && random() < 0.7) ops[0] = { ...ops[0], value: pick(random, tags) };
  return { index, ops, order };
}

function randomFields(random: () => number): Record<string, Value> {
  const fields: Record<string, Value> = { tag: pick(random, ["x", "y", "z"]) };
  for (const name of ["a", "b"]) {
    const value = pick(random, VALUE_POOL);
    if (value !== undefined) fields[name] = value;
  }
  const inner = pick(random, VALUE_POOL);
  const o = pick(random, [undefined, "str", [1], { y: 1 }, inner === undefined ? {} : { x: inner }, { x: 1 }]);
  if (o !== undefined) fields.o = o;
  return fields;
}

/** 1–6 random inserts, patches, replaces and deletes, mirrored in `model`. */
async function randomWrites(ctx: Ctx, random: () => number, model: Map<string, ModelDoc>): Promise<void> {
  const writes = 1 + Math.floor(random() * 6);
  for (let i = 0; i < writes; i++) {
    const ids = [...model.keys()];
    const kind = ids.length === 0 ? 0 : random();
    if (kind < 0.4) {
      const id = await ctx.db.insert("items", randomFields(random));
      model.set(id, (await ctx.db.get(id)) as ModelDoc);
      continue;
    }
    const id = pick(random, ids) as never;
    if (kind < 0.65) {
      const field = pick(random, ["a", "b", "tag", "o"]);
      const value = field === "tag" ? pick(random, ["x", "y", "z"]) : pick(random, VALUE_POOL);
      await ctx.db.patch(id, { [field]: value });
    } else if (kind < 0.8) {
      await ctx.db.replace(id, randomFields(random));
    } else {
      await ctx.db.delete(id);
      model.delete(id);
      continue;
    }
    model.set(id, (await ctx.db.get(id)) as ModelDoc);
  }
}

async function seed(t: Runner, random: () => number, count: number): Promise<Map<string, ModelDoc>> {
  const model = new Map<string, ModelDoc>();
  await t.run(async (ctx) => {
    for (let i = 0; i < count; i++) {
      const id = await ctx.db.insert("items", randomFields(random));
      model.set(id, (await ctx.db.get(id)) as ModelDoc);
    }
  });
  return model;
}

beforeAll(() => installIndexAccelerator());
afterEach(() => setIndexVerification(false));

describe.each([
  { verification: false, seed: 1 },
  { verification: true, seed: 2 },
])("index reads match a full scan (stock convex-test re-check: $verification)", ({ verification, seed: seedValue }) => {
  test("random ranges over random documents, across writes and rolled-back mutations", async () => {
    setIndexVerification(verification);
    const random = seededRandom(seedValue);
    const t = newRunner();
    let model = await seed(t, random, 150);
    for (let round = 0; round < 30; round++) {
      const pending = new Map(model);
      const fail = random() < 0.3;
      const transaction = t.run(async (ctx) => {
        await randomWrites(ctx, random, pending);
        // The mutation reads its own writes, merged into the committed index.
        for (let i = 0; i < 3; i++) {
          const spec = randomSpec(random, pending);
          expect(await read(ctx, spec), describeSpec(spec)).toEqual(expectedDocs(pending, spec));
        }
        const spec = randomSpec(random, pending);
        const size = 1 + Math.floor(random() * 5);
        const first = await source(ctx, spec).paginate({ cursor: null, numItems: size });
        const second = await source(ctx, spec).paginate({ cursor: first.continueCursor, numItems: size });
        expect([...first.page, ...second.page]).toEqual(expectedDocs(pending, spec).slice(0, 2 * size));
        if (fail) throw new Error("rolled back on purpose");
      });
      if (fail) {
        await expect(transaction).rejects.toThrow("rolled back on purpose");
      } else {
        await transaction;
        model = pending;
      }
      for (let i = 0; i < 8; i++) {
        const spec = randomSpec(random, model);
        expect(await t.run((ctx) => read(ctx, spec)), describeSpec(spec)).toEqual(expectedDocs(model, spec));
      }
    }
  });

  test("paging through random ranges with .paginate cursors", async () => {
    setIndexVerification(verification);
    const random = seededRandom(seedValue + 100);
    const t = newRunner();
    const model = await seed(t, random, 300);
    for (let i = 0; i < 25; i++) {
      const spec = randomSpec(random, model);
      const numItems = 1 + Math.floor(random() * 40);
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; ; pages++) {
        expect(pages).toBeLessThan(400);
        const page: { page: ModelDoc[]; isDone: boolean; continueCursor: string } = await t.run(
          async (ctx) => (await source(ctx, spec).paginate({ cursor, numItems })) as never,
        );
        seen.push(...page.page.map((doc) => doc._id));
        if (page.isDone) break;
        cursor = page.continueCursor;
      }
      expect(seen, describeSpec(spec)).toEqual(expected(model, spec));
    }
  });

  test(".filter, .take, .first and .unique on top of index ranges", async () => {
    setIndexVerification(verification);
    const random = seededRandom(seedValue + 200);
    const t = newRunner();
    const model = await seed(t, random, 200);
    for (let i = 0; i < 20; i++) {
      const spec = randomSpec(random, model);
      const tag = pick(random, ["x", "y"]);
      const take = Math.floor(random() * 10);
      const ids = await t.run(async (ctx) =>
        (
          await source(ctx, spec)
            .filter((q) => q.eq(q.field("tag"), tag))
            .take(take)
        ).map((doc) => doc._id),
      );
      const want = expected(model, spec).filter((id) => model.get(id)!.tag === tag);
      expect(ids).toEqual(want.slice(0, take));
      expect(await t.run(async (ctx) => (await source(ctx, spec).first())?._id ?? null)).toBe(
        expected(model, spec)[0] ?? null,
      );
    }
  });
});

describe("a lookup in a large table", () => {
  test("reads O(log n + k) index entries, where stock convex-test reads every document", async () => {
    const instance = createTestInstance(schema, modules);
    const t = instance.t as unknown as Runner;
    const total = 20_000;
    for (let start = 0; start < total; start += 5_000) {
      await t.run(async (ctx) => {
        for (let i = start; i < start + 5_000; i++) await ctx.db.insert("big", { k: i % 1000 });
      });
    }
    // Counts reads of committed documents by id, which is how convex-test's full scan visits a table.
    const db = instance.global.components[""]!.db;
    let documentReads = 0;
    db._documents = new Proxy(db._documents, {
      get(target, prop, receiver) {
        documentReads += 1;
        return Reflect.get(target, prop, receiver);
      },
    });
    const lookup = (k: number) =>
      t.run(
        async (ctx) =>
          await ctx.db
            .query("big")
            .withIndex("by_k", (q) => q.eq("k", k))
            .collect(),
      );
    expect(await lookup(0)).toHaveLength(20); // builds the index: one sort of the table

    const before = indexAcceleratorStats();
    documentReads = 0;
    const found = await lookup(421);
    const after = indexAcceleratorStats();
    expect(found.map((doc) => doc.k)).toEqual(Array(20).fill(421));
    expect(after.indexesBuilt).toBe(before.indexesBuilt);
    // Two binary searches (~15 probes each) plus the 20 documents returned.
    expect(after.documentsExamined - before.documentsExamined).toBeLessThan(80);
    expect(documentReads).toBeLessThan(10);

    // A deep page: found by binary search, not by visiting the documents before it.
    const pageOf = (cursor: string | null) =>
      t.run(
        async (ctx) =>
          await ctx.db
            .query("big")
            .withIndex("by_k", (q) => q.gte("k", 500))
            .paginate({ cursor, numItems: 50 }),
      );
    let page = await pageOf(null);
    for (let i = 0; i < 150; i++) page = await pageOf(page.continueCursor);
    const beforePage = indexAcceleratorStats().documentsExamined;
    documentReads = 0;
    page = await pageOf(page.continueCursor);
    expect(page.page.map((doc) => doc.k)).toEqual([...Array(50)].map((_, i) => 500 + Math.floor((151 * 50 + i) / 20)));
    expect(indexAcceleratorStats().documentsExamined - beforePage).toBeLessThan(150);
    expect(documentReads).toBeLessThan(10);

    // With the stock re-check on, convex-test's own answer visits the whole table again.
    setIndexVerification(true);
    documentReads = 0;
    expect(await lookup(421)).toHaveLength(20);
    expect(documentReads).toBeGreaterThanOrEqual(total);
  });
});
