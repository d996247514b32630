import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  messages: defineTable({ body: v.string(), rank: v.number() }).index("by_rank", ["rank"]),
  notes: defineTable({ text: v.string() }),
});
