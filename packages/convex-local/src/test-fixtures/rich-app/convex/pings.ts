import { internalMutationGeneric as internalMutation } from "convex/server";

export const record = internalMutation({
  args: {},
  handler: async (ctx) => {
    await ctx.db.insert("pings", { at: Date.now() });
  },
});
