/**
 * App module `meter`: the proxies {@link meterCtx} routes an action's
 * component calls through while metering, so each call runs inside a
 * transaction whose metrics say what it read.
 */
import { internalMutationGeneric, internalQueryGeneric } from "convex/server";
import { v } from "convex/values";

const proxyArgs = { handle: v.string(), args: v.any() };

async function readsSoFar(ctx: any): Promise<number> {
  return (await ctx.meta.getTransactionMetrics()).documentsRead.used as number;
}

export const query = internalQueryGeneric({
  args: proxyArgs,
  handler: async (ctx: any, { handle, args }) => {
    const before = await readsSoFar(ctx);
    const result = await ctx.runQuery(handle, args);
    return { result, documentsRead: (await readsSoFar(ctx)) - before };
  },
});

export const mutation = internalMutationGeneric({
  args: proxyArgs,
  handler: async (ctx: any, { handle, args }) => {
    const before = await readsSoFar(ctx);
    const result = await ctx.runMutation(handle, args);
    return { result, documentsRead: (await readsSoFar(ctx)) - before };
  },
});
