import {
  actionGeneric as action,
  anyApi as internal,
  componentsGeneric,
  internalMutationGeneric as internalMutation,
  internalQueryGeneric as internalQuery,
  mutationGeneric as mutation,
  queryGeneric as query,
  type FunctionReference,
} from "convex/server";
import { ConvexError, v } from "convex/values";

const components = componentsGeneric() as unknown as {
  thrower: { lib: { fail: FunctionReference<"query", "internal", Record<string, never>, never> } };
};

/** An app's own ConvexError subclass: the backend names it by its `name`. */
class QuotaError extends ConvexError<{ code: string; limit: number }> {
  name = "QuotaError";
}

export const throwPlain = query({
  args: {},
  handler: async () => {
    throw new Error("plain failure");
  },
});

export const throwTyped = query({
  args: {},
  handler: async () => {
    throw new TypeError("typed failure");
  },
});

export const throwSubclass = mutation({
  args: {},
  handler: async () => {
    throw new QuotaError({ code: "QUOTA", limit: 3 });
  },
});

export const innerQuery = internalQuery({
  args: {},
  handler: async () => {
    throw new Error("inner query failure");
  },
});

export const innerMutation = internalMutation({
  args: {},
  handler: async () => {
    throw new Error("inner mutation failure");
  },
});

export const innerConvexError = internalMutation({
  args: {},
  handler: async () => {
    throw new ConvexError({ code: "INNER" });
  },
});

export const mutationCallsQuery = mutation({
  args: {},
  handler: async (ctx) => {
    await ctx.runQuery(internal.errors.innerQuery, {});
  },
});

export const actionCallsMutation = action({
  args: {},
  handler: async (ctx) => {
    await ctx.runMutation(internal.errors.innerMutation, {});
  },
});

export const actionCallsAction = action({
  args: {},
  handler: async (ctx) => {
    await ctx.runAction(internal.errors.actionCallsMutation, {});
  },
});

export const queryCallsComponent = query({
  args: {},
  handler: async (ctx) => {
    await ctx.runQuery(components.thrower.lib.fail, {});
  },
});

/** What a caller sees of a nested ConvexError: a ConvexError with the same data and the backend's text. */
export const catchNestedConvexError = action({
  args: {},
  handler: async (ctx) => {
    try {
      await ctx.runMutation(internal.errors.innerConvexError, {});
      return null;
    } catch (error) {
      const caught = error as ConvexError<{ code: string }>;
      return { name: caught.name, data: caught.data, message: caught.message };
    }
  },
});

export const timers = query({
  args: {},
  handler: async () => {
    console.time("load");
    console.time("load");
    console.timeLog("load", "halfway", { step: 1 });
    console.timeEnd("load");
    console.timeEnd("load");
    console.timeEnd();
    return null;
  },
});

export const typedArgs = mutation({
  args: { text: v.string(), count: v.optional(v.number()), tags: v.array(v.string()) },
  handler: async () => null,
});

export const badReturn = query({
  args: {},
  returns: v.object({ n: v.number() }),
  handler: async () => ({ n: "one" }) as never,
});

export const nestedBadArgs = action({
  args: {},
  handler: async (ctx) => {
    await ctx.runMutation(internal.errors.typedArgs, { text: 1, tags: [] });
  },
});
