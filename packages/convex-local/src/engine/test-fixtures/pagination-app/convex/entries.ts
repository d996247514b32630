import { mutationGeneric as mutation, paginationOptsValidator, queryGeneric as query } from "convex/server";
import { v } from "convex/values";

export const add = mutation({
  args: { ns: v.array(v.number()) },
  handler: async (ctx, { ns }) => {
    for (const n of ns) await ctx.db.insert("entries", { n, tag: n % 2 === 0 ? "even" : "odd" });
  },
});

export const remove = mutation({
  args: { n: v.number() },
  handler: async (ctx, { n }) => {
    const entry = await ctx.db
      .query("entries")
      .withIndex("by_n", (q) => q.eq("n", n))
      .unique();
    if (entry) await ctx.db.delete(entry._id);
  },
});

/** Entries in `n` order, optionally only one tag (a filter, so the page scans rows it drops). */
export const page = query({
  args: { paginationOpts: paginationOptsValidator, tag: v.optional(v.string()) },
  handler: async (ctx, { paginationOpts, tag }) => {
    const ordered = ctx.db.query("entries").withIndex("by_n");
    const result = await (tag === undefined ? ordered : ordered.filter((q) => q.eq(q.field("tag"), tag))).paginate(
      paginationOpts,
    );
    return { ...result, page: result.page.map((entry) => entry.n) };
  },
});
