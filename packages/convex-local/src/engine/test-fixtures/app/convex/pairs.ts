import { v } from "convex/values";
import { internalQuery, mutation } from "./_generated/server";

// Two documents that only make sense together: a durability test checks
// that a mutation's writes are never half-applied.
export const insertPair = mutation({
  args: { n: v.number() },
  handler: async (ctx, { n }) => {
    const a = await ctx.db.insert("pairs", { n, kind: "a" as const });
    await ctx.db.insert("pairs", { n, kind: "b" as const, partner: a });
    return a;
  },
});

export const all = internalQuery({
  args: {},
  handler: async (ctx) => await ctx.db.query("pairs").collect(),
});
