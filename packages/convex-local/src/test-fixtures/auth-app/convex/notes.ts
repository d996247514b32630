import { mutationGeneric as mutation, queryGeneric as query } from "convex/server";
import { v } from "convex/values";

export const add = mutation({
  args: { text: v.string() },
  handler: async (ctx, { text }) => {
    const identity = await ctx.auth.getUserIdentity();
    return await ctx.db.insert("notes", { text, owner: identity?.subject ?? null });
  },
});

export const list = query({
  args: { limit: v.optional(v.int64()) },
  handler: async (ctx, { limit }) => {
    const notes = await ctx.db.query("notes").collect();
    return notes.slice(0, limit === undefined ? undefined : Number(limit)).map(({ text, owner }) => ({ text, owner }));
  },
});
