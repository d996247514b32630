import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  // What a scheduled function saw in process.env, as JSON.
  envSnapshots: defineTable({ source: v.string(), env: v.string() }),
});
