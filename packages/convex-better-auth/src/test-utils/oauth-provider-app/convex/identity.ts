import { authComponent } from "./auth";
import { query } from "./_generated/server";

/** What Convex made of the caller's token: the identity, or null. */
export const whoami = query({
  args: {},
  handler: async (ctx) => await ctx.auth.getUserIdentity(),
});

/** The first-party session's user, or null. */
export const currentUser = query({
  args: {},
  handler: async (ctx) => await authComponent.safeGetAuthUser(ctx),
});
