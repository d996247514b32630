import { v } from "convex/values";
import { mutationGeneric as mutation, queryGeneric as query } from "convex/server";

/** Notes of one author: reads only that author's index range. */
export const notesBy = query({
  args: { author: v.string() },
  handler: async (ctx, { author }) =>
    (
      await ctx.db
        .query("notes")
        .withIndex("by_author", (q) => q.eq("author", author))
        .collect()
    ).map((note) => note.text),
});

export const addNote = mutation({
  args: { author: v.string(), text: v.string() },
  handler: async (ctx, args) => await ctx.db.insert("notes", args),
});
