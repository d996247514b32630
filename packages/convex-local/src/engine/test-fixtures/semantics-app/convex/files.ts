import { v } from "convex/values";
import { actionGeneric as action, mutationGeneric as mutation, queryGeneric as query } from "convex/server";

export const storeText = action({
  args: { text: v.string(), contentType: v.optional(v.string()) },
  handler: async (ctx, { text, contentType }) =>
    await ctx.storage.store(new Blob([text], contentType === undefined ? {} : { type: contentType })),
});

/** Stores with a `sha256` the bytes must match (base64, hex or anything else). */
export const storeWithDigest = action({
  args: { text: v.string(), sha256: v.string() },
  handler: async (ctx, { text, sha256 }) => await ctx.storage.store(new Blob([text]), { sha256 }),
});

export const readText = action({
  args: { id: v.id("_storage") },
  handler: async (ctx, { id }) => {
    const blob = await ctx.storage.get(id);
    return blob === null ? null : await blob.text();
  },
});

export const generateUploadUrl = mutation({ args: {}, handler: async (ctx) => await ctx.storage.generateUploadUrl() });

export const url = query({
  args: { id: v.id("_storage") },
  handler: async (ctx, { id }) => await ctx.storage.getUrl(id),
});

export const urlFromAction = action({
  args: { id: v.id("_storage") },
  handler: async (ctx, { id }) => await ctx.storage.getUrl(id),
});

export const metadata = query({
  args: { id: v.id("_storage") },
  handler: async (ctx, { id }) => await ctx.db.system.get(id),
});

/** The deprecated `storage.getMetadata`, still available in actions. */
export const metadataFromAction = action({
  args: { id: v.id("_storage") },
  handler: async (ctx, { id }) => await ctx.storage.getMetadata(id),
});

export const remove = mutation({
  args: { id: v.id("_storage") },
  handler: async (ctx, { id }) => await ctx.storage.delete(id),
});

export const removeFromAction = action({
  args: { id: v.id("_storage") },
  handler: async (ctx, { id }) => await ctx.storage.delete(id),
});

export const list = query({ args: {}, handler: async (ctx) => await ctx.db.system.query("_storage").collect() });
