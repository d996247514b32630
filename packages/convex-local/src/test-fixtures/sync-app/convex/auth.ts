import { queryGeneric as query } from "convex/server";

export const whoami = query({
  args: {},
  handler: async (ctx) => {
    const identity = await ctx.auth.getUserIdentity();
    return identity === null ? null : { subject: identity.subject, tokenIdentifier: identity.tokenIdentifier };
  },
});
