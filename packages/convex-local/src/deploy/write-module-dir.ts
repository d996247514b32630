import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { CodedError } from "./coded-error.ts";

/** A pushed module path: POSIX, relative, `.js`, no `..` segments. */
const MODULE_PATH = /^(?!\/)(?:[A-Za-z0-9_@+\-.]+\/)*[A-Za-z0-9_@+\-.]+\.js$/;

/**
 * Rejects module paths that could escape the module directory or that the
 * CLI never produces, before anything is written to disk.
 *
 * @example
 * ```ts
 * checkModulePath("_deps/ABC.js"); // ok
 * checkModulePath("../evil.js"); // throws InvalidModules
 * ```
 */
export function checkModulePath(modulePath: string): void {
  if (!MODULE_PATH.test(modulePath) || modulePath.split("/").some((s) => s === ".." || s === ".")) {
    throw new CodedError(
      "InvalidModules",
      `Invalid module path ${JSON.stringify(modulePath)}: expected a relative POSIX path ending in .js.`,
    );
  }
}

/**
 * Writes modules into `dir` laid out by module path, each source map next to
 * its module as `<path>.map`, and a `package.json` with `"type": "module"` so
 * Node's ESM loader takes the bundles (and extensionless stubs) as ES modules.
 *
 * @example
 * ```ts
 * await writeModuleDir("/data/modules/v3/0", [{ path: "messages.js", source, sourceMap }]);
 * ```
 */
export async function writeModuleDir(
  dir: string,
  modules: { path: string; source: string; sourceMap?: string | null }[],
): Promise<void> {
  for (const m of modules) checkModulePath(m.path);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "package.json"), '{"type":"module"}\n');
  const dirs = new Set(modules.map((m) => path.dirname(path.join(dir, m.path))));
  await Promise.all([...dirs].map((d) => mkdir(d, { recursive: true })));
  await Promise.all(
    modules.flatMap((m) => {
      const file = path.join(dir, m.path);
      const writes = [writeFile(file, m.source)];
      if (m.sourceMap) writes.push(writeFile(`${file}.map`, m.sourceMap));
      return writes;
    }),
  );
}
