import { defineComponent } from "convex/server";

/**
 * The Better Auth component. Register it in your app's `convex/convex.config.ts`.
 *
 * @example
 * ```ts
 * import { defineApp } from "convex/server";
 * import betterAuth from "convex-better-auth/convex.config";
 *
 * const app = defineApp();
 * app.use(betterAuth);
 * export default app;
 * ```
 */
const component = defineComponent("betterAuth");

export default component;
