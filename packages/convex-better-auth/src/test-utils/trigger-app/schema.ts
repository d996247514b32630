import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

// App tables that triggers keep in step with the component's user table.
export default defineSchema({
  profiles: defineTable({ userId: v.string(), name: v.string() }).index("userId", ["userId"]),
  audit: defineTable({ event: v.string(), userId: v.string() }),
});
