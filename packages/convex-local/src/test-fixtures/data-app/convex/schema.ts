import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  authors: defineTable({ name: v.string() }),
  messages: defineTable({
    body: v.string(),
    author: v.optional(v.id("authors")),
    count: v.optional(v.int64()),
    score: v.optional(v.float64()),
    raw: v.optional(v.bytes()),
    tags: v.optional(v.array(v.string())),
    attachment: v.optional(v.id("_storage")),
  }),
  notes: defineTable({ text: v.string(), rank: v.optional(v.number()) }),
});
