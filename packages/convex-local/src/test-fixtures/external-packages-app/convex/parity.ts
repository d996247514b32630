"use node";
import isOdd from "is-odd";
import { actionGeneric as action } from "convex/server";
import { v } from "convex/values";

/** Imports `is-odd` (and through it `is-number`), which the CLI leaves external: convex-local installs both at push. */
export const describe = action({
  args: { n: v.number() },
  handler: async (_ctx, { n }) => (isOdd(n) ? `${n} is odd` : `${n} is even`),
});
