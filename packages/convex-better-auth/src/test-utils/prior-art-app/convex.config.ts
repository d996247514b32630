import { defineApp } from "convex/server";
import betterAuth from "convex-better-auth/convex.config";
import localAuth from "./betterAuth/convex.config";

const app = defineApp();
// The bundled component, and (for the type check) a local install next to it.
app.use(betterAuth);
app.use(localAuth, { name: "localAuth" });

export default app;
