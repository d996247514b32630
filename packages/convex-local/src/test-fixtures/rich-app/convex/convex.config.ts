import { defineApp } from "convex/server";
import betterAuth from "convex-better-auth/convex.config";
import counter from "../counter/convex.config";

const app = defineApp();
app.use(betterAuth);
app.use(counter);

export default app;
