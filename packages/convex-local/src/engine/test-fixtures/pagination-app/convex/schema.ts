import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  entries: defineTable({ n: v.number(), tag: v.string() }).index("by_n", ["n"]),
});
