import { v } from "convex/values";
import { anyApi as internal } from "convex/server";
import { mutationGeneric as mutation, queryGeneric as query } from "convex/server";

export const addItem = mutation({
  args: { text: v.string() },
  handler: async (ctx, { text }) => await ctx.db.insert("items", { text }),
});

export const scheduleNothing = mutation({
  args: {},
  handler: async (ctx) => await ctx.scheduler.runAfter(60_000, internal.crash.cancelOwnJobMutation, {}),
});

/** `db.get` etc. with any id: the system-table guard decides. */
export const getAny = query({
  args: { id: v.string() },
  handler: async (ctx, { id }) => await ctx.db.get(id as never),
});

export const systemGetAny = query({
  args: { id: v.string() },
  handler: async (ctx, { id }) => await ctx.db.system.get(id as never),
});

export const patchAny = mutation({
  args: { id: v.string() },
  handler: async (ctx, { id }) => await ctx.db.patch(id as never, { text: "patched" } as never),
});

export const replaceAny = mutation({
  args: { id: v.string() },
  handler: async (ctx, { id }) => await ctx.db.replace(id as never, { text: "replaced" } as never),
});

export const deleteAny = mutation({
  args: { id: v.string() },
  handler: async (ctx, { id }) => await ctx.db.delete(id as never),
});
