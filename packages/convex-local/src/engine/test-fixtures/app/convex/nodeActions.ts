"use node";
import { createHash } from "node:crypto";
import { v } from "convex/values";
import { api } from "./_generated/api";
import { action } from "./_generated/server";

export const digest = action({
  args: { text: v.string() },
  handler: async (ctx, { text }) => {
    const messages: unknown[] = await ctx.runQuery(api.messages.list, {});
    console.info("digesting", text);
    return { sha256: createHash("sha256").update(text).digest("hex"), messages: messages.length };
  },
});
