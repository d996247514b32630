// The fixture schema with a new optional field: existing messages still fit.
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  messages: defineTable({ body: v.string(), author: v.string(), priority: v.optional(v.number()) }),
  pairs: defineTable({
    n: v.number(),
    kind: v.union(v.literal("a"), v.literal("b")),
    partner: v.optional(v.id("pairs")),
  }),
  events: defineTable({ name: v.string() }),
});
