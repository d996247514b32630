/**
 * Temporary directories for engine tests: a data dir per engine, and a
 * modules dir with a `node_modules` segment (see `bundleFixtureApp`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A scratch area removed by `remove()`. */
export type TempDirs = {
  root: string;
  dataDir(name?: string): string;
  modulesDir(version: string): string;
  remove(): void;
};

/**
 * Creates a scratch area under the OS temp dir.
 *
 * @example
 * const dirs = createTempDirs();
 * const { app } = await bundleFixtureApp({ outDir: dirs.modulesDir("v1"), version: "v1" });
 */
export function createTempDirs(): TempDirs {
  const root = mkdtempSync(path.join(tmpdir(), "convex-local-engine-"));
  return {
    root,
    dataDir: (name = "data") => path.join(root, name),
    modulesDir: (version) => path.join(root, "node_modules", "fixture", version),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
