import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

// The app's own users, linked to the component's users as the prior art's
// triggers guide does it.
export default defineSchema({
  users: defineTable({ email: v.string(), authId: v.optional(v.string()) }).index("authId", ["authId"]),
  notes: defineTable({ authUserId: v.string(), text: v.string() }),
});
