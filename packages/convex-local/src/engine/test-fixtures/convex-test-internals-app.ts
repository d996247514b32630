/**
 * The fixture app of the convex-test internals tests (`convex-test-internals/*.test.ts`):
 * a root component with `notes` and `log`, a `comp` component with `items`,
 * and the functions the tests call through function handles.
 */
import {
  actionGeneric,
  defineSchema,
  defineTable,
  mutationGeneric,
  queryGeneric,
  type FunctionHandle,
  type GenericDataModel,
  type GenericMutationCtx,
  type GenericQueryCtx,
} from "convex/server";
import { v } from "convex/values";
import { createTestInstance } from "../convex-test-internals/create-test-instance.ts";
import { functionHandle } from "../convex-test-internals/function-handle.ts";
import type { ModuleMap } from "../convex-test-internals/types.ts";

/** The mutation ctx the fixture functions use. */
export type Ctx = GenericMutationCtx<GenericDataModel>;
/** The query ctx the fixture functions use. */
export type QCtx = GenericQueryCtx<GenericDataModel>;

let openGate: () => void = () => {};
/** Holds the `fns:gated` mutation open until a test calls `gate.resolve()` (once: it stays open after). */
export const gate = { promise: new Promise<void>((resolve) => (openGate = resolve)), resolve: () => openGate() };

/** The root component's schema: `notes` and `log`. */
export const schema = defineSchema({
  notes: defineTable({ text: v.string() }),
  log: defineTable({ entry: v.string() }),
});
/** The `comp` component's schema: `items`. */
export const componentSchema = defineSchema({ items: defineTable({ n: v.number() }) });

/** The root component's functions, as `fns:<name>`. */
export const rootFunctions = {
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
/** The `comp` component's functions, as `fns:<name>`. */
export const componentFunctions = {
  add: mutationGeneric({
    args: { n: v.number() },
    handler: async (ctx: Ctx, { n }) => await ctx.db.insert("items", { n }),
  }),
  count: queryGeneric({ args: {}, handler: async (ctx: QCtx) => (await ctx.db.query("items").collect()).length }),
};

/** A convex-test module map serving `functions` as `fns`. */
export function modules(functions: Record<string, unknown>): ModuleMap {
  return { "/m/_generated/api.js": async () => ({}), "/m/fns.js": async () => functions };
}

/** A root instance with the `comp` component registered. */
export function newInstance() {
  const instance = createTestInstance(schema, modules(rootFunctions));
  instance.registerComponent("comp", componentSchema, modules(componentFunctions));
  return instance;
}

/** The root component's database of an instance. */
export function root(instance: ReturnType<typeof newInstance>) {
  return instance.global.components[""]!.db;
}

/** The root schema with a `by_text` index on `notes`, for the query resolution hooks. */
export const indexed = defineSchema({
  notes: defineTable({ text: v.string(), n: v.optional(v.any()) }).index("by_text", ["text"]),
  log: defineTable({ entry: v.string() }),
});
