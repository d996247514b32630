/**
 * convex-better-auth/test: registers the Better Auth component on a
 * `convex-test` instance, so app functions that call
 * `components.betterAuth.*` run against it in tests.
 *
 * @example
 * ```ts
 * import { convexTest } from "convex-test";
 * import { register } from "convex-better-auth/test";
 *
 * const t = convexTest(appSchema, appModules);
 * register(t);
 * ```
 * @module
 */
import type { TestConvexRoot } from "convex-test";
import type { GenericDataModel } from "convex/server";
import type { ComponentApi } from "../component/_generated/component.js";
import componentSchema from "../component/schema.js";

/**
 * The component's schema: the tables Better Auth core and the bundled plugins
 * use. Pass it to `t.registerComponent` yourself if you need a custom setup.
 *
 * @example
 * ```ts
 * t.registerComponent("betterAuth", schema, modules);
 * ```
 */
export const schema = componentSchema;

/**
 * The component's function modules, keyed by path, with its `_generated`
 * folder (convex-test finds the module root through it). Test files are
 * left out: they are not component functions, and importing one would run
 * vitest's `test()` outside a test file.
 *
 * @example
 * ```ts
 * t.registerComponent("betterAuth", schema, modules);
 * ```
 */
export const modules: Record<string, () => Promise<any>> = import.meta.glob([
  "../component/**/*.ts",
  "!../component/**/*.test.ts",
]);

/** What {@link register} needs from a `convexTest(...)` instance. */
export type RegisterTarget = Pick<TestConvexRoot<GenericDataModel>, "registerComponent">;

/**
 * Registers the Better Auth component on a `convex-test` instance under
 * `name` (default `"betterAuth"`, the name `app.use(betterAuth)` gives it),
 * and returns references to its functions.
 *
 * @example
 * ```ts
 * import { convexTest } from "convex-test";
 * import { register } from "convex-better-auth/test";
 * import appSchema from "./schema";
 *
 * const appModules = import.meta.glob("./**\/*.ts");
 *
 * test("signs up", async () => {
 *   const t = convexTest(appSchema, appModules);
 *   register(t);
 *   // ...call app functions that use components.betterAuth
 * });
 * ```
 */
export function register(t: RegisterTarget, name = "betterAuth"): ComponentApi {
  return t.registerComponent<ComponentApi>(name, schema, modules);
}

export default { register, schema, modules };
