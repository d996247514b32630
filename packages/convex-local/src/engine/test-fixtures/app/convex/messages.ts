import { ConvexError, v } from "convex/values";
import { components } from "./_generated/api";
import { internalQuery, mutation, query } from "./_generated/server";

export const list = query({
  args: {},
  handler: async (ctx) => {
    const messages = await ctx.db.query("messages").collect();
    console.log("listing", { n: messages.length });
    return messages;
  },
});

export const send = mutation({
  args: { body: v.string(), author: v.string() },
  handler: async (ctx, args) => await ctx.db.insert("messages", args),
});

export const secret = internalQuery({ args: {}, handler: async () => "internal only" });

export const whoami = query({
  args: {},
  handler: async (ctx) => await ctx.auth.getUserIdentity(),
});

export const fail = mutation({
  args: {},
  handler: async () => {
    console.warn("about to fail");
    throw new ConvexError({ code: "BOOM", big: 7n });
  },
});

export const env = query({
  args: {},
  handler: async () => ({
    custom: process.env.FIXTURE_VAR ?? null,
    cloudUrl: process.env.CONVEX_CLOUD_URL ?? null,
    siteUrl: process.env.CONVEX_SITE_URL ?? null,
  }),
});

export const bumpCounter = mutation({
  args: { name: v.string() },
  handler: async (ctx, { name }) => {
    await ctx.runMutation(components.counter.lib.increment, { name });
    return await ctx.runQuery(components.counter.lib.get, { name });
  },
});

export const signToken = mutation({
  args: {},
  handler: async (ctx) => await ctx.auth.signJwt({ claims: { aud: "fixture", sub: "user-1" }, expiresInSeconds: 60 }),
});
