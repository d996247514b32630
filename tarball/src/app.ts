/**
 * The fresh app: a folder outside the repository with its own package.json
 * that installs the two tarballs from disk and everything else from the
 * registry, the guide's `convex/` files (from examples/next/convex) and a
 * few files of its own (fixtures/app: client scripts, a vitest test).
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Packed } from "./pack.ts";
import { FIXTURE_APP_DIR, GUIDE_CONVEX_DIR, LIBRARY_DIR, REPO_DIR } from "./paths.ts";
import { appEnv, run } from "./run.ts";

/** The guide's files and what makes them the guide's (fail loudly if the example drifts). */
const GUIDE_FILES: Record<string, RegExp[]> = {
  "convex.config.ts": [/import betterAuth from "convex-better-auth\/convex\.config"/, /app\.use\(betterAuth\)/],
  "auth.config.ts": [/getAuthConfigProvider\(\)/],
  "auth.ts": [
    /createClient<DataModel>\(components\.betterAuth\)/,
    /export const getCurrentUser = query\(/,
    /betterAuth\(\{/,
  ],
  "http.ts": [/authComponent\.registerRoutes\(http, createAuth\)/],
  // What `npx convex dev` writes for a new project (strict, Bundler resolution).
  "tsconfig.json": [/"strict": true/],
};

export type VersionMode = "pinned" | "latest";

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/**
 * The registry packages the app installs. `pinned`: the versions this
 * repository builds and tests with (node@22 and typescript as the root
 * installs them; convex, better-auth, convex-test, vitest and @types/node as
 * the library's devDependencies).
 * `latest`: the newest releases the library's peer ranges allow.
 */
export function registryDependencies(
  mode: VersionMode,
  library: Packed,
): { dependencies: Record<string, string>; devDependencies: Record<string, string> } {
  const root = readJson<{ devDependencies: Record<string, string> }>(join(REPO_DIR, "package.json"));
  const dev = readJson<{ devDependencies: Record<string, string> }>(join(LIBRARY_DIR, "package.json")).devDependencies;
  const peers = library.manifest.peerDependencies ?? {};
  const pick = (name: string) => {
    const version = mode === "latest" ? peers[name] : dev[name];
    if (version === undefined)
      throw new Error(`no ${mode} version for ${name} (library peers: ${JSON.stringify(peers)})`);
    return version;
  };
  const need = (name: string, from: Record<string, string>, where: string) => {
    const version = from[name];
    if (version === undefined) throw new Error(`${where} has no devDependency ${name}`);
    return version;
  };
  return {
    dependencies: { convex: pick("convex"), "better-auth": pick("better-auth") },
    devDependencies: {
      node: need("node", root.devDependencies, "the root package.json"),
      typescript: need("typescript", root.devDependencies, "the root package.json"),
      "convex-test": pick("convex-test"),
      vitest: need("vitest", dev, "packages/convex-better-auth/package.json"),
      // The guide's auth.ts reads process.env; a Next.js app has Node's types.
      "@types/node": need("@types/node", dev, "packages/convex-better-auth/package.json"),
    },
  };
}

/**
 * Writes the app into `appDir`: package.json (tarballs as `file:`
 * dependencies), the guide's convex/ files and the fixture files.
 *
 * @example
 * writeApp(appDir, { library, convexLocal, mode: "pinned" });
 */
export function writeApp(appDir: string, options: { library: Packed; convexLocal: Packed; mode: VersionMode }): void {
  const { dependencies, devDependencies } = registryDependencies(options.mode, options.library);
  const pkg = {
    name: "tarball-guide-app",
    private: true,
    type: "module",
    dependencies: {
      [options.library.name]: `file:${options.library.tarball}`,
      ...dependencies,
    },
    devDependencies: {
      [options.convexLocal.name]: `file:${options.convexLocal.tarball}`,
      ...devDependencies,
    },
    // npm 11 asks before running dependencies' install scripts: node@22 downloads its binary in one.
    allowScripts: { node: true, esbuild: true },
  };
  writeFileSync(join(appDir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  cpSync(FIXTURE_APP_DIR, appDir, { recursive: true });
  mkdirSync(join(appDir, "convex"), { recursive: true });
  for (const [file, patterns] of Object.entries(GUIDE_FILES)) {
    const source = readFileSync(join(GUIDE_CONVEX_DIR, file), "utf8");
    for (const pattern of patterns) {
      if (!pattern.test(source))
        throw new Error(
          `${join(GUIDE_CONVEX_DIR, file)} no longer matches the guide (${pattern}); update tarball/src/app.ts`,
        );
    }
    writeFileSync(join(appDir, "convex", file), source);
  }
}

/**
 * `npm install` in the app: the tarballs from disk, the rest from the
 * registry (npm's cache first), bounded.
 */
export async function installApp(appDir: string): Promise<void> {
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: appDir,
    env: appEnv(appDir),
    timeoutMs: 240_000,
  });
}

/** The versions npm installed, for the report. */
export function installedVersions(appDir: string, names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.map((name) => [
      name,
      readJson<{ version: string }>(join(appDir, "node_modules", name, "package.json")).version,
    ]),
  );
}
