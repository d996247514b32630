/* eslint-disable */
/**
 * `ComponentApi` utility for the betterAuth component: the type of
 * `components.betterAuth` in an app that uses it. App codegen imports it as
 * `convex-better-auth/_generated/component.js`.
 *
 * Derived from the component's own function definitions (their argument and
 * return validators), the way `npx convex codegen --component-dir` describes
 * them, so it cannot drift from what the component accepts; a type test
 * (component-api.test-d.ts) pins the shape apps rely on.
 */
import type { ApiFromModules, FunctionReference } from "convex/server";
import type * as adapter from "../adapter.js";

type PublicApi = ApiFromModules<{ adapter: typeof adapter }>;

/** A component function as the app sees it: internal, under the component's name. */
type AsComponentFunction<F, Name extends string | undefined> =
  F extends FunctionReference<infer Type, any, infer Args, infer Returns>
    ? FunctionReference<Type, "internal", Args, Returns, Name>
    : never;

/**
 * A utility for referencing the betterAuth component's exposed API.
 *
 * Usage:
 * ```ts
 * async function myFunction(ctx: QueryCtx, component: ComponentApi) {
 *   return ctx.runQuery(component.adapter.findOne, { model: "user", where: [] });
 * }
 * ```
 */
export type ComponentApi<Name extends string | undefined = string | undefined> = {
  adapter: { [K in keyof PublicApi["adapter"]]: AsComponentFunction<PublicApi["adapter"][K], Name> };
};
