/**
 * The app both sides deploy and serve: the guide's Next.js app as the
 * repository ships it in `examples/next/` (its `convex/` folder is the Convex
 * code of Better Auth's Convex guide), copied at run time so the bench
 * measures exactly what the guide tells users to write. For the prior art
 * the import specifier `convex-better-auth` becomes `@convex-dev/better-auth`
 * in every source file, the only change the guide's code needs; the Next.js
 * settings the bench varies are applied by `next-variant.ts`.
 */
import { cpSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { EXAMPLE_APP_DIR, type E2eSide } from "./e2e-sides.ts";
import { applyNextVariant } from "./next-variant.ts";

/** The guide's Convex files, with what makes each the guide's. */
const GUIDE_SHAPE: Record<string, RegExp[]> = {
  "convex/convex.config.ts": [/app\.use\(betterAuth\)/],
  "convex/auth.config.ts": [/getAuthConfigProvider\(\)/],
  "convex/auth.ts": [
    /createClient<DataModel>\(components\.betterAuth\)/,
    /convex\(\{ authConfig \}\)/,
    /export const getCurrentUser = query\(/,
    /authComponent\.(getAuthUser|safeGetAuthUser)\(ctx\)/,
  ],
  "convex/http.ts": [/authComponent\.registerRoutes\(http, createAuth\)/],
};

/**
 * What a developer's checkout of the example holds besides the app (see its
 * .gitignore): installs, builds, local data, env files, generated code.
 */
function isLocalState(path: string): boolean {
  const name = basename(path);
  return (
    name === "node_modules" ||
    name === ".next" ||
    name === ".convex-local" ||
    name === ".env" ||
    name.startsWith(".env.") ||
    name === "next-env.d.ts" ||
    name.endsWith(".tsbuildinfo") ||
    relative(EXAMPLE_APP_DIR, path) === join("convex", "_generated")
  );
}

/** `convex-better-auth` and its subpaths, as quoted module specifiers. */
const SPECIFIER = /(["'])convex-better-auth(\/[^"']*)?\1/g;
const SOURCE_FILE = /\.(ts|tsx|mts|js|jsx|mjs)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules") return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE_FILE.test(name) ? [path] : [];
  });
}

/**
 * Writes the guide's app for `side` into `appDir`: the example without its
 * local state, imports pointing at the side's library, the Next.js variant
 * settings, a package.json (the CLI requires `convex` among its
 * dependencies) and a `node_modules` symlink to the side's installation.
 * Fails loudly if the example's Convex code drifts away from the guide,
 * rather than measure something else.
 *
 * `appDir` must lie inside the repository (the bench uses bench/.tmp):
 * Turbopack only builds files under the workspace root, and packages the
 * side's install lacks (the prior art has no `next` or `react-dom`) resolve
 * from the repository's `node_modules` above it.
 *
 * @example
 * writeGuideApp(PRIOR_ART_E2E, "/work/main/bench/.tmp/e2e-x/prior-art/app");
 */
export function writeGuideApp(side: E2eSide, appDir: string): void {
  for (const [file, patterns] of Object.entries(GUIDE_SHAPE)) {
    const source = readFileSync(join(EXAMPLE_APP_DIR, file), "utf8");
    for (const pattern of patterns) {
      if (!pattern.test(source))
        throw new Error(
          `${join(EXAMPLE_APP_DIR, file)} no longer matches the guide (${pattern}); update bench/src/e2e/guide-app.ts`,
        );
    }
  }
  cpSync(EXAMPLE_APP_DIR, appDir, { recursive: true, filter: (path) => !isLocalState(path) });
  const files = sourceFiles(appDir);
  for (const file of files) {
    const source = readFileSync(file, "utf8");
    const rewritten = source.replace(
      SPECIFIER,
      (_, quote: string, subpath = "") => `${quote}${side.library}${subpath}${quote}`,
    );
    if (rewritten !== source) writeFileSync(file, rewritten);
  }
  applyNextVariant(side, appDir, files);
  writeFileSync(
    join(appDir, "package.json"),
    `${JSON.stringify(
      {
        name: `bench-e2e-${side.id}`,
        private: true,
        type: "module",
        dependencies: { convex: "*", [side.library]: "*", "better-auth": "*", next: "*", react: "*", "react-dom": "*" },
      },
      null,
      2,
    )}\n`,
  );
  symlinkSync(side.nodeModules, join(appDir, "node_modules"), "dir");
}
