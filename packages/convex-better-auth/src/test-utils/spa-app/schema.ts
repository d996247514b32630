import { defineSchema } from "convex/server";

// The SPA test app keeps all its data in the betterAuth component.
export default defineSchema({});
