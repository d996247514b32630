/**
 * The app both sides deploy: the Convex code of Better Auth's Convex guide,
 * copied from `examples/next/convex/` (the repository's guide app) at run
 * time, so the bench measures exactly what the guide tells users to write.
 * For the prior art the import specifier `convex-better-auth` becomes
 * `@convex-dev/better-auth`, the only change the guide's code needs.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GUIDE_APP_DIR, type E2eSide } from "./e2e-sides.ts";

/** The guide's Convex files; the example's other files (users.ts) play no part here. */
const GUIDE_FILES = ["convex.config.ts", "auth.config.ts", "auth.ts", "http.ts"] as const;

/**
 * What makes the app the guide's: fail loudly if the example drifts away
 * from it, rather than measure something else.
 */
const GUIDE_SHAPE: Record<(typeof GUIDE_FILES)[number], RegExp[]> = {
  "convex.config.ts": [/app\.use\(betterAuth\)/],
  "auth.config.ts": [/getAuthConfigProvider\(\)/],
  "auth.ts": [
    /createClient<DataModel>\(components\.betterAuth\)/,
    /convex\(\{ authConfig \}\)/,
    /export const getCurrentUser = query\(/,
    /authComponent\.(getAuthUser|safeGetAuthUser)\(ctx\)/,
  ],
  "http.ts": [/authComponent\.registerRoutes\(http, createAuth\)/],
};

/** `convex-better-auth` and its subpaths, as quoted module specifiers. */
const SPECIFIER = /(["'])convex-better-auth(\/[^"']*)?\1/g;

/**
 * Writes the guide's app for `side` into `appDir`: `convex/` with the
 * guide's files, a package.json (the CLI requires `convex` among its
 * dependencies) and a `node_modules` symlink to the side's installation.
 *
 * @example
 * writeGuideApp(PRIOR_ART_E2E, "/tmp/convex-better-auth-e2e-x/prior-art/app");
 */
export function writeGuideApp(side: E2eSide, appDir: string): void {
  mkdirSync(join(appDir, "convex"), { recursive: true });
  for (const file of GUIDE_FILES) {
    const source = readFileSync(join(GUIDE_APP_DIR, file), "utf8");
    for (const pattern of GUIDE_SHAPE[file]) {
      if (!pattern.test(source)) throw new Error(`${join(GUIDE_APP_DIR, file)} no longer matches the guide (${pattern}); update bench/src/e2e/guide-app.ts`);
    }
    const rewritten = source.replace(SPECIFIER, (_, quote: string, subpath = "") => `${quote}${side.library}${subpath}${quote}`);
    writeFileSync(join(appDir, "convex", file), rewritten);
  }
  writeFileSync(
    join(appDir, "package.json"),
    `${JSON.stringify({ name: `bench-e2e-${side.id}`, private: true, type: "module", dependencies: { convex: "*", [side.library]: "*", "better-auth": "*" } }, null, 2)}\n`,
  );
  symlinkSync(side.nodeModules, join(appDir, "node_modules"), "dir");
}
