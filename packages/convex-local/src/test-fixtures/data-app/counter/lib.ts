import { mutationGeneric as mutation, queryGeneric as query } from "convex/server";
import { v } from "convex/values";

export const get = query({
  args: { name: v.string() },
  returns: v.number(),
  handler: async (ctx, { name }) => {
    const row = await ctx.db
      .query("counters")
      .withIndex("by_name", (q) => q.eq("name", name))
      .unique();
    return row?.value ?? 0;
  },
});

export const increment = mutation({
  args: { name: v.string(), by: v.optional(v.number()) },
  returns: v.number(),
  handler: async (ctx, { name, by }) => {
    const row = await ctx.db
      .query("counters")
      .withIndex("by_name", (q) => q.eq("name", name))
      .unique();
    const value = (row?.value ?? 0) + (by ?? 1);
    if (row) await ctx.db.patch(row._id, { value });
    else await ctx.db.insert("counters", { name, value });
    return value;
  },
});
