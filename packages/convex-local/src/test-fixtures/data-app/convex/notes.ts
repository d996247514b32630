import { mutationGeneric as mutation } from "convex/server";
import { v } from "convex/values";

export const add = mutation({
  args: { text: v.string(), rank: v.optional(v.number()) },
  handler: async (ctx, args) => await ctx.db.insert("notes", args),
});

export const clear = mutation({
  args: {},
  handler: async (ctx) => {
    for (const note of await ctx.db.query("notes").collect()) await ctx.db.delete(note._id);
  },
});
