import { actionGeneric as action } from "convex/server";
import { v } from "convex/values";

export const upload = action({
  args: { text: v.string() },
  handler: async (ctx, { text }) => await ctx.storage.store(new Blob([text], { type: "text/plain" })),
});

export const read = action({
  args: { id: v.id("_storage") },
  handler: async (ctx, { id }) => (await (await ctx.storage.get(id))?.text()) ?? null,
});
