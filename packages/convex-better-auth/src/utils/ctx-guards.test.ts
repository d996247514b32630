import { convexTest } from "convex-test";
import {
  defineSchema,
  defineTable,
  httpActionGeneric,
  httpRouter,
  type DataModelFromSchemaDefinition,
  type GenericActionCtx,
  type GenericDataModel,
  type GenericMutationCtx,
  type GenericQueryCtx,
} from "convex/server";
import { v } from "convex/values";
import { describe, expect, expectTypeOf, test } from "vitest";
import { isConvexBetterAuthError } from "../shared/errors.js";
import type { GenericCtx, RunMutationCtx } from "../auth-component/types.js";
import {
  isActionCtx,
  isMutationCtx,
  isQueryCtx,
  isRunMutationCtx,
  requireActionCtx,
  requireMutationCtx,
  requireQueryCtx,
  requireRunMutationCtx,
} from "./index.js";

type Kind = "query" | "mutation" | "action" | "httpAction";

function guards(ctx: GenericCtx) {
  return {
    isQueryCtx: isQueryCtx(ctx),
    isMutationCtx: isMutationCtx(ctx),
    isActionCtx: isActionCtx(ctx),
    isRunMutationCtx: isRunMutationCtx(ctx),
  };
}

function failures(ctx: GenericCtx) {
  const attempts = { requireQueryCtx, requireMutationCtx, requireActionCtx, requireRunMutationCtx };
  const result: Record<string, string | null> = {};
  for (const [name, require] of Object.entries(attempts)) {
    try {
      expect(require(ctx)).toBe(ctx);
      result[name] = null;
    } catch (error) {
      expect(isConvexBetterAuthError(error, "WRONG_CTX")).toBe(true);
      result[name] = (error as Error & { data: { message: string } }).data.message;
    }
  }
  return result;
}

// Runs `probe` inside a real ctx of each kind that convex-test provides.
async function inCtx<T>(kind: Kind, probe: (ctx: GenericCtx) => T): Promise<T> {
  let seen: { value: T } | undefined;
  const http = httpRouter();
  http.route({
    path: "/probe",
    method: "GET",
    handler: httpActionGeneric(async (ctx) => {
      seen = { value: probe(ctx) };
      return new Response("ok");
    }),
  });
  const t = convexTest(defineSchema({}), {
    "/fake/_generated/api.js": async () => ({}),
    "/fake/http.js": async () => ({ default: http }),
  });
  if (kind === "query") return await t.query(async (ctx) => probe(ctx));
  if (kind === "mutation") return await t.run(async (ctx) => probe(ctx));
  if (kind === "action") return await t.action(async (ctx) => probe(ctx));
  const response = await t.fetch("/probe");
  expect(response.status).toBe(200);
  return seen!.value;
}

describe("ctx guards on real convex-test ctxs", () => {
  test("query ctx: only isQueryCtx", async () => {
    expect(await inCtx("query", guards)).toEqual({
      isQueryCtx: true,
      isMutationCtx: false,
      isActionCtx: false,
      isRunMutationCtx: false,
    });
  });

  test("mutation ctx: isMutationCtx and isRunMutationCtx, not isQueryCtx", async () => {
    expect(await inCtx("mutation", guards)).toEqual({
      isQueryCtx: false,
      isMutationCtx: true,
      isActionCtx: false,
      isRunMutationCtx: true,
    });
  });

  test("action ctx: isActionCtx and isRunMutationCtx", async () => {
    expect(await inCtx("action", guards)).toEqual({
      isQueryCtx: false,
      isMutationCtx: false,
      isActionCtx: true,
      isRunMutationCtx: true,
    });
  });

  test("HTTP action ctx looks exactly like an action ctx", async () => {
    expect(await inCtx("httpAction", guards)).toEqual(await inCtx("action", guards));
  });
});

describe("require* guards", () => {
  test("query ctx: only requireQueryCtx passes; the others say what is missing and what to do", async () => {
    const result = await inCtx("query", failures);
    expect(result.requireQueryCtx).toBeNull();
    expect(result.requireMutationCtx).toBe(
      "requireMutationCtx needs a mutation ctx but got a query ctx (ctx.scheduler is missing). " +
        "Call this from a mutation; from an action or HTTP action, call a mutation with ctx.runMutation instead.",
    );
    expect(result.requireActionCtx).toBe(
      "requireActionCtx needs an action ctx but got a query ctx (ctx.runAction is missing and ctx.db is present). " +
        "Call this from an action or HTTP action; from a mutation, schedule an action with ctx.scheduler.runAfter(0, ...).",
    );
    expect(result.requireRunMutationCtx).toBe(
      "requireRunMutationCtx needs a mutation, action or HTTP action ctx but got a query ctx " +
        "(ctx.runMutation is missing). Queries cannot write: call this from a mutation or an action.",
    );
  });

  test("mutation ctx: requireMutationCtx and requireRunMutationCtx pass", async () => {
    const result = await inCtx("mutation", failures);
    expect(result.requireMutationCtx).toBeNull();
    expect(result.requireRunMutationCtx).toBeNull();
    expect(result.requireQueryCtx).toBe(
      "requireQueryCtx needs a query ctx but got a mutation ctx (ctx.scheduler is present). " +
        "Call this from a query, or reach a query with ctx.runQuery.",
    );
    expect(result.requireActionCtx).toContain(
      "but got a mutation ctx (ctx.runAction is missing and ctx.db is present)",
    );
  });

  test.each(["action", "httpAction"] as const)(
    "%s ctx: requireActionCtx and requireRunMutationCtx pass; requireMutationCtx explains ctx.db is missing",
    async (kind) => {
      const result = await inCtx(kind, failures);
      expect(result.requireActionCtx).toBeNull();
      expect(result.requireRunMutationCtx).toBeNull();
      expect(result.requireMutationCtx).toBe(
        "requireMutationCtx needs a mutation ctx but got an action or HTTP action ctx (ctx.db is missing). " +
          "Call this from a mutation; from an action or HTTP action, call a mutation with ctx.runMutation instead.",
      );
      expect(result.requireQueryCtx).toContain("but got an action or HTTP action ctx (ctx.db is missing)");
    },
  );

  test("the error crosses the function boundary with its code, helper, needed and given ctx", async () => {
    const error = await inCtx("query", (ctx) => requireActionCtx(ctx) && null).then(
      () => {
        throw new Error("requireActionCtx accepted a query ctx");
      },
      (caught: unknown) => caught,
    );
    expect(isConvexBetterAuthError(error, "WRONG_CTX")).toBe(true);
    expect((error as { data: unknown }).data).toMatchObject({
      code: "WRONG_CTX",
      helper: "requireActionCtx",
      needed: "an action ctx",
      given: "a query ctx",
    });
  });

  test("the thrown error's message is readable in logs", () => {
    const fakeQueryCtx = { db: {}, auth: {}, storage: {}, runQuery: () => null } as unknown as GenericCtx;
    expect(() => requireActionCtx(fakeQueryCtx)).toThrow(
      /^\[WRONG_CTX\] requireActionCtx needs an action ctx but got a query ctx/,
    );
  });

  test("something that is not a ctx is rejected by every guard, not crashed on", () => {
    for (const notCtx of [null, undefined, 42, {}, { db: undefined, runAction: null }]) {
      const ctx = notCtx as unknown as GenericCtx;
      expect(guards(ctx)).toEqual({
        isQueryCtx: false,
        isMutationCtx: false,
        isActionCtx: false,
        isRunMutationCtx: false,
      });
      expect(() => requireRunMutationCtx(ctx)).toThrow(/not a Convex ctx/);
    }
  });
});

describe("types", () => {
  test("guards narrow, and the else branch keeps what can still reach it", () => {
    const check = (ctx: GenericCtx) => {
      if (isQueryCtx(ctx)) {
        expectTypeOf(ctx).toEqualTypeOf<GenericQueryCtx<GenericDataModel>>();
      } else {
        // A mutation ctx is structurally a query ctx, yet isQueryCtx is false
        // for it at run time: the else branch must still allow it.
        expectTypeOf<GenericMutationCtx<GenericDataModel>>().toMatchTypeOf<typeof ctx>();
        expectTypeOf<GenericActionCtx<GenericDataModel>>().toMatchTypeOf<typeof ctx>();
      }
      if (isMutationCtx(ctx)) expectTypeOf(ctx).toEqualTypeOf<GenericMutationCtx<GenericDataModel>>();
      if (isActionCtx(ctx)) expectTypeOf(ctx).toEqualTypeOf<GenericActionCtx<GenericDataModel>>();
      if (isRunMutationCtx(ctx)) expectTypeOf(ctx).toMatchTypeOf<RunMutationCtx>();
      expectTypeOf(requireMutationCtx(ctx)).toEqualTypeOf<GenericMutationCtx<GenericDataModel>>();
      expectTypeOf(requireActionCtx(ctx)).toEqualTypeOf<GenericActionCtx<GenericDataModel>>();
      expectTypeOf(requireRunMutationCtx(ctx)).toEqualTypeOf<RunMutationCtx<GenericDataModel>>();
      expectTypeOf(requireQueryCtx(ctx)).toEqualTypeOf<GenericQueryCtx<GenericDataModel>>();
    };
    expect(check).toBeTypeOf("function");
  });

  test("the app's DataModel is inferred from the ctx it is given", () => {
    const _appSchema = defineSchema({ notes: defineTable({ body: v.string() }) });
    type AppDataModel = DataModelFromSchemaDefinition<typeof _appSchema>;
    const check = (actionCtx: GenericActionCtx<AppDataModel>, ctx: GenericCtx<AppDataModel>) => {
      expectTypeOf(requireActionCtx(actionCtx)).toEqualTypeOf<GenericActionCtx<AppDataModel>>();
      if (isMutationCtx(ctx))
        expectTypeOf(ctx.db.query("notes").first()).resolves.toMatchTypeOf<{ body: string } | null>();
      expectTypeOf(requireQueryCtx(ctx)).toEqualTypeOf<GenericQueryCtx<AppDataModel>>();
    };
    expect(check).toBeTypeOf("function");
  });
});
