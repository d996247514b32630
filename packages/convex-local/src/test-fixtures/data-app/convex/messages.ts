import { mutationGeneric as mutation, queryGeneric as query } from "convex/server";
import { v } from "convex/values";

export const send = mutation({
  args: {
    body: v.string(),
    author: v.optional(v.id("authors")),
    count: v.optional(v.int64()),
    score: v.optional(v.float64()),
    raw: v.optional(v.bytes()),
    tags: v.optional(v.array(v.string())),
    attachment: v.optional(v.id("_storage")),
  },
  handler: async (ctx, args) => await ctx.db.insert("messages", args),
});

export const remove = mutation({
  args: { id: v.id("messages") },
  handler: async (ctx, { id }) => await ctx.db.delete(id),
});

export const list = query({
  args: {},
  handler: async (ctx) => await ctx.db.query("messages").collect(),
});

export const count = query({
  args: {},
  handler: async (ctx) => (await ctx.db.query("messages").collect()).length,
});

/** The message with its author's name, through the reference. */
export const withAuthor = query({
  args: { id: v.id("messages") },
  handler: async (ctx, { id }) => {
    const message = await ctx.db.get(id);
    const author = message?.author ? await ctx.db.get(message.author) : null;
    return { body: message?.body ?? null, author: author?.name ?? null };
  },
});

export const shout = mutation({
  args: { text: v.string() },
  handler: async (_ctx, { text }) => {
    console.log("shouting", text);
    console.warn("careful");
    return text.toUpperCase();
  },
});
