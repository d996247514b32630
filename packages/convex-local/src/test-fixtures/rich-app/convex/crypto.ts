"use node";
import { createHash } from "node:crypto";
import { actionGeneric as action } from "convex/server";
import { v } from "convex/values";

export const sha256 = action({
  args: { text: v.string() },
  handler: async (_ctx, { text }) => createHash("sha256").update(text).digest("hex"),
});
