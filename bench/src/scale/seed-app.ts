/**
 * The app the scale part deploys: the guide's Convex code exactly as the
 * guide writes it (`packages/convex-better-auth/src/test-utils/seed-app`,
 * the app the library's seed-flow tests and the compatibility check use),
 * whose `getCurrentUser` query calls `authComponent.getAuthUser(ctx)`.
 * Copied at run time into `convex/` of a temp app whose `node_modules`
 * links to the workspace's, so the CLI bundles the workspace's library.
 */
import { cpSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { WORKSPACE_DIR } from "../engine/paths.ts";
import { WORKSPACE_NODE_MODULES } from "../e2e/e2e-sides.ts";

export const SEED_APP_DIR = join(WORKSPACE_DIR, "packages/convex-better-auth/src/test-utils/seed-app");

/** What makes the copied code the guide's; the bench fails rather than measure something else. */
const GUIDE_SHAPE: Record<string, RegExp[]> = {
  "convex.config.ts": [/app\.use\(betterAuth\)/],
  "auth.ts": [/createClient<DataModel>\(components\.betterAuth\)/, /authComponent\.getAuthUser\(ctx\)/],
  "http.ts": [/authComponent\.registerRoutes\(http, createAuth\)/],
};

/**
 * Writes the seed app into `appDir` (`convex/`, package.json, node_modules link).
 *
 * @example
 * writeSeedApp("/work/main/bench/.tmp/scale-x/10000/app");
 */
export function writeSeedApp(appDir: string): void {
  for (const [file, patterns] of Object.entries(GUIDE_SHAPE)) {
    const source = readFileSync(join(SEED_APP_DIR, file), "utf8");
    for (const pattern of patterns) {
      if (!pattern.test(source))
        throw new Error(`${join(SEED_APP_DIR, file)} no longer matches ${pattern}; update bench/src/scale/seed-app.ts`);
    }
  }
  // `npx convex dev` writes `_generated/` itself.
  cpSync(SEED_APP_DIR, join(appDir, "convex"), { recursive: true, filter: (path) => basename(path) !== "_generated" });
  // The CLI requires `convex` among the app's dependencies.
  const packageJson = {
    name: "bench-scale",
    private: true,
    type: "module",
    dependencies: { convex: "*", "convex-better-auth": "*", "better-auth": "*" },
  };
  writeFileSync(join(appDir, "package.json"), `${JSON.stringify(packageJson, null, 2)}\n`);
  symlinkSync(WORKSPACE_NODE_MODULES, join(appDir, "node_modules"), "dir");
}
