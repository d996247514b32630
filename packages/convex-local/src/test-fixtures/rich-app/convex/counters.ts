import {
  componentsGeneric,
  mutationGeneric as mutation,
  queryGeneric as query,
  type FunctionReference,
} from "convex/server";
import { v } from "convex/values";

/** What `components` from `_generated/api` would type; the fixture avoids generated imports. */
const components = componentsGeneric() as unknown as {
  counter: {
    lib: {
      get: FunctionReference<"query", "internal", { name: string }, number>;
      increment: FunctionReference<"mutation", "internal", { name: string; by?: number }, number>;
    };
  };
};

export const bump = mutation({
  args: { name: v.string() },
  handler: async (ctx, { name }) => await ctx.runMutation(components.counter.lib.increment, { name }),
});

export const read = query({
  args: { name: v.string() },
  handler: async (ctx, { name }) => await ctx.runQuery(components.counter.lib.get, { name }),
});
