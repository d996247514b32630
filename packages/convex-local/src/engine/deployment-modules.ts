/**
 * Turns a pushed component (files on disk) into what convex-test takes: a
 * modules map whose loaders import the files with Node's ESM loader, and the
 * schema. `?v=<version>` makes every push load fresh code, since Node cannot
 * unload modules.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ModuleMap } from "./convex-test-internals.ts";
import type { ComponentDeployment } from "./types.ts";

/** The modules-map key prefix; convex-test takes everything before `_generated` as the root. */
const KEY_PREFIX = "/convex/";

/** A component of a deployment, ready to hand to convex-test. */
export type LoadedComponent = {
  deployment: ComponentDeployment;
  /** convex-test's modules map (with the synthetic `_generated/api.js` key). */
  modules: ModuleMap;
  /** The schema module's default export, or null. */
  schema: unknown;
  /** Imports a function module by path without extension (`messages`, `dir/file`), or null when not pushed. */
  load(modulePath: string): Promise<Record<string, unknown>> | null;
};

function importFile(file: string, version: string): Promise<Record<string, unknown>> {
  return import(`${pathToFileURL(file).href}?v=${encodeURIComponent(version)}`) as Promise<Record<string, unknown>>;
}

/**
 * Builds the loaders of one component and imports its schema.
 *
 * @example
 * const root = await loadComponent(app.components[0], app.version);
 * await root.load("messages"); // the module namespace of messages.js
 */
export async function loadComponent(component: ComponentDeployment, version: string): Promise<LoadedComponent> {
  const byPath = new Map<string, () => Promise<Record<string, unknown>>>();
  for (const modulePath of component.modules) {
    const file = path.join(component.modulesDir, modulePath);
    byPath.set(modulePath.replace(/\.[cm]?js$/, ""), () => importFile(file, version));
  }
  // The synthetic key goes first: convex-test uses the first key containing `_generated`.
  const modules: ModuleMap = { [`${KEY_PREFIX}_generated/api.js`]: async () => ({}) };
  for (const modulePath of component.modules) {
    const loader = byPath.get(modulePath.replace(/\.[cm]?js$/, ""));
    if (loader !== undefined) modules[`${KEY_PREFIX}${modulePath}`] = loader;
  }
  const schema = component.hasSchema
    ? ((await importFile(path.join(component.modulesDir, "schema.js"), version)).default ?? null)
    : null;
  return {
    deployment: component,
    modules,
    schema,
    load(modulePath) {
      const loader = byPath.get(modulePath);
      return loader === undefined ? null : loader();
    },
  };
}
