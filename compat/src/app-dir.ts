/**
 * The deployed app, written to a temp dir outside the repository so it
 * resolves packages only through its `node_modules` symlink: first the
 * prior art's installation, then (after the swap) the workspace's.
 *
 * Shape "bundled": the guide's app (`examples/next/convex`: auth.ts,
 * auth.config.ts, convex.config.ts, http.ts) with `app.use(betterAuth)` from
 * `<library>/convex.config`. Shape "local-install": the prior art's Local
 * Install docs shape (`fixtures/local-install`). Both get the app files in
 * `fixtures/common` (an app table of user ids and the functions using it).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { FIXTURES_DIR, GUIDE_APP_DIR } from "./paths.ts";

export type AppShape = "bundled" | "local-install";

export const PRIOR_ART_LIBRARY = "@convex-dev/better-auth";
export const OUR_LIBRARY = "convex-better-auth";

/** The guide's files, and what makes them the guide's (fail loudly if the example drifts). */
const GUIDE_FILES: Record<string, RegExp[]> = {
  "convex.config.ts": [/import betterAuth from "convex-better-auth\/convex\.config"/, /app\.use\(betterAuth\)/],
  "auth.config.ts": [/getAuthConfigProvider\(\)/],
  "auth.ts": [
    /createClient<DataModel>\(components\.betterAuth\)/,
    /export const getCurrentUser = query\(/,
    /authComponent\.getAuthUser\(ctx\)/,
  ],
  "http.ts": [/authComponent\.registerRoutes\(http, createAuth\)/],
};

/** A quoted module specifier of `library` or one of its subpaths. */
function specifierPattern(library: string): RegExp {
  return new RegExp(`(["'])${library.replace(/[/\\^$*+?.()|[\]{}-]/g, "\\$&")}(/[^"']*)?\\1`, "g");
}

function replaceLibrary(source: string, from: string, to: string): { text: string; count: number } {
  let count = 0;
  const text = source.replace(specifierPattern(from), (_, quote: string, subpath = "") => {
    count += 1;
    return `${quote}${to}${subpath}${quote}`;
  });
  return { text, count };
}

/** The app's own source files (not `_generated`, which the CLI rewrites). */
function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== "_generated") files.push(...sourceFiles(path));
    } else if (entry.endsWith(".ts")) files.push(path);
  }
  return files;
}

function writePackageJson(appDir: string, library: string): void {
  const pkg = {
    name: "compat-app",
    private: true,
    type: "module",
    dependencies: { convex: "*", [library]: "*", "better-auth": "*" },
  };
  writeFileSync(join(appDir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
}

function linkNodeModules(appDir: string, nodeModules: string): void {
  rmSync(join(appDir, "node_modules"), { force: true });
  symlinkSync(nodeModules, join(appDir, "node_modules"), "dir");
}

/**
 * Writes the `shape` app, importing the prior art, into `appDir`.
 *
 * @example
 * writePriorArtApp("local-install", "/tmp/compat-x/app", PRIOR_ART_NODE_MODULES);
 */
export function writePriorArtApp(shape: AppShape, appDir: string, nodeModules: string): void {
  const convexDir = join(appDir, "convex");
  mkdirSync(convexDir, { recursive: true });
  if (shape === "bundled") {
    for (const [file, patterns] of Object.entries(GUIDE_FILES)) {
      const source = readFileSync(join(GUIDE_APP_DIR, file), "utf8");
      for (const pattern of patterns) {
        if (!pattern.test(source))
          throw new Error(
            `${join(GUIDE_APP_DIR, file)} no longer matches the guide (${pattern}); update compat/src/app-dir.ts`,
          );
      }
      const { text } = replaceLibrary(source, OUR_LIBRARY, PRIOR_ART_LIBRARY);
      writeFileSync(join(convexDir, file), text);
    }
  } else {
    cpSync(join(FIXTURES_DIR, "local-install/convex"), convexDir, { recursive: true });
  }
  cpSync(join(FIXTURES_DIR, "common/convex"), convexDir, { recursive: true });
  for (const file of sourceFiles(convexDir)) {
    if (specifierPattern(OUR_LIBRARY).test(readFileSync(file, "utf8")))
      throw new Error(`${file} imports ${OUR_LIBRARY} before the swap`);
  }
  writePackageJson(appDir, PRIOR_ART_LIBRARY);
  linkNodeModules(appDir, nodeModules);
}

/**
 * The swap a user of the prior art makes: every `@convex-dev/better-auth`
 * import specifier becomes `convex-better-auth` (same subpaths), the
 * dependency is renamed, and `node_modules` now holds our library. Returns
 * how many specifiers changed, per file.
 *
 * @example
 * const changed = swapToOurs(appDir, WORKSPACE_NODE_MODULES);
 */
export function swapToOurs(appDir: string, nodeModules: string): Record<string, number> {
  const changed: Record<string, number> = {};
  const convexDir = join(appDir, "convex");
  for (const file of sourceFiles(convexDir)) {
    const { text, count } = replaceLibrary(readFileSync(file, "utf8"), PRIOR_ART_LIBRARY, OUR_LIBRARY);
    if (count === 0) continue;
    writeFileSync(file, text);
    changed[relative(convexDir, file)] = count;
  }
  if (Object.keys(changed).length === 0) throw new Error(`no ${PRIOR_ART_LIBRARY} import to swap in ${convexDir}`);
  writePackageJson(appDir, OUR_LIBRARY);
  linkNodeModules(appDir, nodeModules);
  // Nothing left that could still bundle the prior art.
  if (existsSync(join(appDir, "node_modules", PRIOR_ART_LIBRARY)))
    throw new Error(`${nodeModules} still holds ${PRIOR_ART_LIBRARY}`);
  if (!existsSync(join(appDir, "node_modules", OUR_LIBRARY, "dist/component/convex.config.js"))) {
    throw new Error(`${OUR_LIBRARY} in ${nodeModules} has no dist/ (run \`npm run build\` at the repository root)`);
  }
  return changed;
}
