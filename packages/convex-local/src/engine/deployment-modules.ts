/**
 * Turns a pushed component (files on disk) into what convex-test takes: a
 * modules map whose loaders import the files with Node's ESM loader, and the
 * schema. `?v=<version>` makes every push load fresh code, since Node cannot
 * unload modules.
 */
import { closeSync, openSync, readSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { importAsComponent, scopeHandlersToComponent } from "./component-environment.ts";
import { scopeIdentityToCaller } from "./component-identity.ts";
import type { ModuleMap } from "./convex-test-internals.ts";
import { validateWithBackendTexts } from "./function-validation.ts";
import { wrapActionHandlers } from "./nested-call-errors.ts";
import type { FunctionRuntime } from "./run-context.ts";
import { timeScheduledActions } from "./scheduled-action-timeout.ts";
import { registerModulesDir } from "./user-stack.ts";
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
  /** The runtime a module's functions run in on Convex (by path without extension). */
  runtimeOf(modulePath: string): FunctionRuntime;
};

/** The CLI bundles each `"use node"` module for Node and keeps the directive as its first statement. */
const USE_NODE = /^\s*["']use node["']/;

function readRuntime(file: string): FunctionRuntime {
  let fd: number | null = null;
  try {
    fd = openSync(file, "r");
    const head = Buffer.alloc(64);
    const length = readSync(fd, head, 0, head.length, 0);
    return USE_NODE.test(head.subarray(0, length).toString("utf8")) ? "node" : "isolate";
  } catch {
    return "isolate";
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** How one component's modules are imported. */
type ImportContext = {
  version: string;
  componentPath: string;
  /** The action time limit of a runtime, in ms. */
  actionTimeoutMs(runtime: FunctionRuntime): number;
};

const prepared = new WeakSet<object>();

async function importFile(file: string, context: ImportContext): Promise<Record<string, unknown>> {
  const url = `${pathToFileURL(file).href}?v=${encodeURIComponent(context.version)}`;
  const module = await importAsComponent(context.componentPath, () => import(url) as Promise<Record<string, unknown>>);
  // Node caches the import: its functions are wrapped on the first load only.
  if (prepared.has(module)) return module;
  prepared.add(module);
  wrapActionHandlers(module);
  validateWithBackendTexts(module);
  scopeHandlersToComponent(module, context.componentPath);
  scopeIdentityToCaller(module, context.componentPath);
  timeScheduledActions(module, context.actionTimeoutMs(readRuntime(file)));
  return module;
}

/** Convex's documented action limits: 30 minutes in the Convex runtime, 10 in Node. */
export const DEFAULT_ACTION_TIMEOUT_MS: Record<FunctionRuntime, number> = { isolate: 1_800_000, node: 600_000 };

/**
 * Builds the loaders of one component and imports its schema.
 *
 * @example
 * const root = await loadComponent(app.components[0], app.version);
 * await root.load("messages"); // the module namespace of messages.js
 */
export async function loadComponent(
  component: ComponentDeployment,
  version: string,
  options: { actionTimeoutMs?: (runtime: FunctionRuntime) => number } = {},
): Promise<LoadedComponent> {
  const context: ImportContext = {
    version,
    componentPath: component.componentPath,
    actionTimeoutMs: options.actionTimeoutMs ?? ((runtime) => DEFAULT_ACTION_TIMEOUT_MS[runtime]),
  };
  // Error frames in these files are the app's, mapped through the pushed source maps.
  registerModulesDir(component.modulesDir);
  const byPath = new Map<string, () => Promise<Record<string, unknown>>>();
  const files = new Map<string, string>();
  const runtimes = new Map<string, FunctionRuntime>();
  for (const modulePath of component.modules) {
    const file = path.join(component.modulesDir, modulePath);
    const key = modulePath.replace(/\.[cm]?js$/, "");
    byPath.set(key, () => importFile(file, context));
    files.set(key, file);
  }
  // The synthetic key goes first: convex-test uses the first key containing `_generated`.
  const modules: ModuleMap = { [`${KEY_PREFIX}_generated/api.js`]: async () => ({}) };
  for (const modulePath of component.modules) {
    const loader = byPath.get(modulePath.replace(/\.[cm]?js$/, ""));
    if (loader !== undefined) modules[`${KEY_PREFIX}${modulePath}`] = loader;
  }
  const schema = component.hasSchema
    ? ((await importFile(path.join(component.modulesDir, "schema.js"), context)).default ?? null)
    : null;
  return {
    deployment: component,
    modules,
    schema,
    load(modulePath) {
      const loader = byPath.get(modulePath);
      return loader === undefined ? null : loader();
    },
    runtimeOf(modulePath) {
      let runtime = runtimes.get(modulePath);
      if (runtime === undefined) {
        const file = files.get(modulePath);
        runtime = file === undefined ? "isolate" : readRuntime(file);
        runtimes.set(modulePath, runtime);
      }
      return runtime;
    },
  };
}
