import { mutationGeneric as mutation, paginationOptsValidator, queryGeneric as query } from "convex/server";
import { v } from "convex/values";

export const send = mutation({
  args: { body: v.string(), rank: v.number() },
  handler: async (ctx, args) => {
    console.log("sending", args.body);
    return await ctx.db.insert("messages", args);
  },
});

/** Logs each run, so tests can count executions in the function log stream. */
export const list = query({
  args: {},
  handler: async (ctx) => {
    console.log("list ran");
    return (await ctx.db.query("messages").withIndex("by_rank").collect()).map((m) => m.body);
  },
});

export const page = query({
  args: { paginationOpts: paginationOptsValidator },
  handler: async (ctx, { paginationOpts }) => {
    const result = await ctx.db.query("messages").withIndex("by_rank").paginate(paginationOpts);
    return { ...result, page: result.page.map((m) => m.body) };
  },
});

export const count = query({
  args: {},
  handler: async (ctx) => (await ctx.db.query("messages").collect()).length,
});

/** An index range: only messages ranked at least `min` (before or after a write) re-run it. */
export const rankedFrom = query({
  args: { min: v.number() },
  handler: async (ctx, { min }) => {
    console.log("rankedFrom ran");
    return (
      await ctx.db
        .query("messages")
        .withIndex("by_rank", (q) => q.gte("rank", min))
        .collect()
    ).map((m) => m.body);
  },
});
