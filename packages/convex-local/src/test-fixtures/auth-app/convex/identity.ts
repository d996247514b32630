import { actionGeneric as action, mutationGeneric as mutation, queryGeneric as query } from "convex/server";
import { ConvexError, v } from "convex/values";

export const whoami = query({ args: {}, handler: async (ctx) => await ctx.auth.getUserIdentity() });

export const whoamiMutation = mutation({ args: {}, handler: async (ctx) => await ctx.auth.getUserIdentity() });

export const whoamiAction = action({ args: {}, handler: async (ctx) => await ctx.auth.getUserIdentity() });

export const fail = query({
  args: { n: v.int64() },
  handler: async (_ctx, { n }) => {
    throw new ConvexError({ reason: "nope", n });
  },
});

export const sign = mutation({
  args: { sub: v.string() },
  handler: async (ctx, { sub }) =>
    await ctx.auth.signJwt({ claims: { aud: "self", sub, name: "Signed User" }, expiresInSeconds: 600 }),
});
