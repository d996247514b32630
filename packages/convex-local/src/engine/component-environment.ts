/**
 * Component functions see only the system environment variables, as on
 * Convex ("A component's functions are isolated from the app's environment
 * variables […] Only the system environment variables (`CONVEX_CLOUD_URL`
 * and `CONVEX_SITE_URL`) are available in every component function", docs:
 * Authoring Components). convex-test runs every component in this process
 * under one `process.env`, so each registered function's handler, and the
 * module's top-level code, runs in its component's scope of
 * `process-environment.ts`.
 */
import { runAsComponent } from "./process-environment.ts";

const SCOPED = Symbol.for("convex-local.componentEnvironmentScoped");

type RegisteredFunction = {
  isQuery?: unknown;
  isMutation?: unknown;
  isAction?: unknown;
  _handler?: unknown;
  [SCOPED]?: true;
};

/**
 * Imports a module of `componentPath` with that component's `process.env`
 * (its top-level code runs during the import).
 *
 * @example
 * const module = await importAsComponent("betterAuth", () => import(file));
 */
export function importAsComponent<T>(componentPath: string, load: () => Promise<T>): Promise<T> {
  return runAsComponent(componentPath, load);
}

/**
 * Makes every query, mutation and action `module` exports run its handler
 * with the `process.env` of `componentPath`: the app's variables for the
 * root, the system URLs only for any other component. Calls between the app
 * and components switch scopes both ways. Idempotent per function object.
 *
 * @example
 * scopeHandlersToComponent(await import(file), "betterAuth");
 */
export function scopeHandlersToComponent(module: Record<string, unknown>, componentPath: string): void {
  for (const exported of Object.values(module)) {
    if (typeof exported !== "function" && (typeof exported !== "object" || exported === null)) continue;
    const fn = exported as RegisteredFunction;
    const registered = fn.isQuery === true || fn.isMutation === true || fn.isAction === true;
    if (!registered || typeof fn._handler !== "function" || fn[SCOPED]) continue;
    const handler = fn._handler as (ctx: object, args: unknown) => unknown;
    fn._handler = (ctx: object, args: unknown) => runAsComponent(componentPath, () => handler(ctx, args));
    fn[SCOPED] = true;
  }
}
