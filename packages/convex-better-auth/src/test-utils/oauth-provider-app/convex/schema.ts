import { defineSchema } from "convex/server";

// The app keeps all its data in the betterAuth component.
export default defineSchema({});
