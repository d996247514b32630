import { mutationGeneric as mutation, queryGeneric as query } from "convex/server";
import { v } from "convex/values";

export const add = mutation({
  args: { text: v.string() },
  handler: async (ctx, { text }) => await ctx.db.insert("notes", { text }),
});

/** Reads one document by id: only writes to that document re-run it. */
export const get = query({
  args: { id: v.id("notes") },
  handler: async (ctx, { id }) => {
    console.log("notes.get ran");
    return (await ctx.db.get(id))?.text ?? null;
  },
});

export const update = mutation({
  args: { id: v.id("notes"), text: v.string() },
  handler: async (ctx, { id, text }) => await ctx.db.patch(id, { text }),
});
