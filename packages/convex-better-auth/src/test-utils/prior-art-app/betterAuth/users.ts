import { v } from "convex/values";
import { query } from "./_generated/server";

// A function of the app's own inside the component, keyed by Convex ids.
export const getUser = query({
  args: { userId: v.id("user") },
  handler: async (ctx, args) => {
    const user = await ctx.db.get(args.userId);
    return user ? { name: user.name, email: user.email, favoriteColor: user.favoriteColor ?? null } : null;
  },
});
