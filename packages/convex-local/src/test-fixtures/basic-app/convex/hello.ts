import { queryGeneric as query } from "convex/server";
import { v } from "convex/values";

export const hi = query({
  args: { name: v.optional(v.string()) },
  handler: async (_ctx, { name }) => `hi ${name ?? "there"}`,
});

export const env = query({
  args: { name: v.string() },
  handler: async (_ctx, { name }) => process.env[name] ?? null,
});

export const whoami = query({
  args: {},
  handler: async (ctx) => (await ctx.auth.getUserIdentity())?.name ?? null,
});
