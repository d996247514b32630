// A component that paginates (which Convex refuses outside the app) and reports the identity it sees.
import {
  actionGeneric as action,
  makeFunctionReference,
  mutationGeneric as mutation,
  paginationOptsValidator,
  queryGeneric as query,
} from "convex/server";
import { v } from "convex/values";

export const add = mutation({
  args: { text: v.string() },
  handler: async (ctx, { text }) => await ctx.db.insert("entries", { text }),
});

export const list = query({
  args: {},
  handler: async (ctx) => (await ctx.db.query("entries").collect()).map((entry) => entry.text),
});

export const page = query({
  args: { paginationOpts: paginationOptsValidator },
  handler: async (ctx, { paginationOpts }) => await ctx.db.query("entries").paginate(paginationOpts),
});

/** The error `paginate()` throws here, caught: it is an ordinary, catchable `Error`. */
export const pageCaught = query({
  args: {},
  handler: async (ctx) => {
    try {
      await ctx.db.query("entries").paginate({ numItems: 1, cursor: null });
      return null;
    } catch (error) {
      return { name: (error as Error).name, message: (error as Error).message };
    }
  },
});

async function subject(ctx: { auth: { getUserIdentity(): Promise<{ subject: string } | null> } }) {
  return (await ctx.auth.getUserIdentity())?.subject ?? null;
}

export const whoami = query({ args: {}, handler: subject });

export const whoamiMutation = mutation({ args: {}, handler: subject });

const selfWhoami = makeFunctionReference<"query", Record<string, never>, string | null>("entries:whoami");

/** The component's own action: what it sees, and what its own query sees when it calls it. */
export const whoamiAction = action({
  args: {},
  handler: async (ctx) => ({ action: await subject(ctx), ownQuery: await ctx.runQuery(selfWhoami, {}) }),
});
