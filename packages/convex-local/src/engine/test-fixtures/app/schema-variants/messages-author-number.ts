// The fixture schema with a changed field type: existing messages violate it.
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  messages: defineTable({ body: v.string(), author: v.number() }),
  pairs: defineTable({
    n: v.number(),
    kind: v.union(v.literal("a"), v.literal("b")),
    partner: v.optional(v.id("pairs")),
  }),
  events: defineTable({ name: v.string() }),
});
