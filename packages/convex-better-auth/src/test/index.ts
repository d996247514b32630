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
import * as generatedApi from "../component/_generated/api.js";
import * as generatedComponent from "../component/_generated/component.js";
import type { ComponentApi } from "../component/_generated/component.js";
import * as generatedDataModel from "../component/_generated/dataModel.js";
import * as generatedServer from "../component/_generated/server.js";
import * as adapter from "../component/adapter.js";
import * as convexConfig from "../component/convex.config.js";
import * as schemaModule from "../component/schema.js";

/**
 * The component's schema: the tables Better Auth core and the bundled plugins
 * use. Pass it to `t.registerComponent` yourself if you need a custom setup.
 *
 * @example
 * ```ts
 * t.registerComponent("betterAuth", schema, modules);
 * ```
 */
export const schema = schemaModule.default;

/**
 * The component's modules (every file of `src/component`, with its
 * `_generated` folder: convex-test finds the module root through it), keyed
 * by their source path the way `import.meta.glob` keys them. Built from
 * static imports, so it works wherever the package loads: vitest with or
 * without Vite's `import.meta.glob`, plain Node, any bundler. Test files are
 * not component functions and are left out.
 *
 * @example
 * ```ts
 * t.registerComponent("betterAuth", schema, modules);
 * ```
 */
export const modules: Record<string, () => Promise<any>> = {
  "../component/_generated/api.ts": async () => generatedApi,
  "../component/_generated/component.ts": async () => generatedComponent,
  "../component/_generated/dataModel.ts": async () => generatedDataModel,
  "../component/_generated/server.ts": async () => generatedServer,
  "../component/adapter.ts": async () => adapter,
  "../component/convex.config.ts": async () => convexConfig,
  "../component/schema.ts": async () => schemaModule,
};

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
