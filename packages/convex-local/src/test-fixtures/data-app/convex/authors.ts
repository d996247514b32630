import { mutationGeneric as mutation } from "convex/server";
import { v } from "convex/values";

export const add = mutation({
  args: { name: v.string() },
  handler: async (ctx, { name }) => await ctx.db.insert("authors", { name }),
});
