import { actionGeneric, queryGeneric } from "convex/server";
import { v } from "convex/values";

/** Holds its execution slot for `ms`, so a burst of calls has to queue. */
export const sleep = actionGeneric({
  args: { ms: v.number() },
  handler: async (_ctx, { ms }) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return ms;
  },
});

export const ping = queryGeneric({ args: {}, handler: async () => "pong" });
