import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  items: defineTable({ text: v.string() }).index("by_text", ["text"]),
  counters: defineTable({ name: v.string(), value: v.number() }).index("by_name", ["name"]),
  uploads: defineTable({ storageId: v.id("_storage"), name: v.string() }),
  notes: defineTable({ author: v.string(), text: v.string() })
    .index("by_author", ["author"])
    .index("by_text_staged", { fields: ["text"], staged: true })
    .searchIndex("search_text", { searchField: "text", filterFields: ["author"] })
    .searchIndex("search_text_staged", { searchField: "text", staged: true }),
});
