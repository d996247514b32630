import { v } from "convex/values";
import { action, query } from "./_generated/server";

export const store = action({
  args: { text: v.string() },
  handler: async (ctx, { text }) => await ctx.storage.store(new Blob([text], { type: "text/plain" })),
});

export const read = action({
  args: { id: v.id("_storage") },
  handler: async (ctx, { id }) => {
    const blob = await ctx.storage.get(id);
    return blob === null ? null : await blob.text();
  },
});

export const metadata = query({
  args: { id: v.id("_storage") },
  handler: async (ctx, { id }) => await ctx.db.system.get(id),
});
