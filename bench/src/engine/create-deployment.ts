/**
 * One deployment per side on the shared engine: a convex-test instance
 * (the workspace's single convex-test module, so both sides run on the very
 * same engine code) with the side's app at the root and its Better Auth
 * component registered as `betterAuth`, the name `app.use(betterAuth)` gives it.
 */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { convexTest } from "convex-test";
import { defineSchema } from "convex/server";
import type { Side } from "../sides/side.ts";
import { SRC_DIR } from "./paths.ts";

type ModuleMap = Record<string, () => Promise<any>>;
export type Deployment = ReturnType<typeof convexTest>;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/**
 * What `import.meta.glob` would give convex-test, built by hand: keys under a
 * common root that contains `_generated/`, each loading the file on demand.
 */
function moduleMap(root: string, dir: string, keep: (file: string) => boolean): ModuleMap {
  const map: ModuleMap = {};
  for (const file of listFiles(dir)) {
    const path = relative(dir, file);
    if (!keep(path)) continue;
    const url = pathToFileURL(file).href;
    map[`${root}/${path}`] = () => import(url);
  }
  return map;
}

const isAppModule = (path: string) => path.endsWith(".ts");
// Test helpers shipped in the prior art's dist are no component functions.
const isComponentModule = (path: string) => path.endsWith(".js") && !/^test/.test(path);

export async function createDeployment(side: Side): Promise<Deployment> {
  const appModules = moduleMap("/app", join(SRC_DIR, "apps", side.appDir), isAppModule);
  const componentModules = moduleMap("/component", side.componentDir, isComponentModule);
  const componentSchema = (await import(pathToFileURL(join(side.componentDir, "schema.js")).href)).default;
  const t = convexTest(defineSchema({}), appModules);
  t.registerComponent("betterAuth", componentSchema, componentModules);
  return t;
}
