/**
 * Bundles the fixture app under `test-fixtures/app/` the way the Convex CLI
 * bundles a push (ESM, `convex/server` and `convex/values` bundled into each
 * module, code-splitting into `_deps/`, `"use node"` files built separately
 * for Node), and describes the result as an {@link AppDeployment}.
 */
import { build, type BuildOptions } from "esbuild";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AppDeployment, ComponentDeployment, CronSpec } from "../types.ts";

const APP_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "app");

/** Options of {@link bundleFixtureApp}. */
export type BundleFixtureOptions = {
  /**
   * Output directory. Keep a `node_modules` segment in it: vitest then imports
   * the bundles with Node's own loader, as convex-local does in production,
   * instead of transforming them.
   */
  outDir: string;
  version: string;
  /** A file under `app/schema-variants/` to push as the root schema instead of `convex/schema.ts`. */
  rootSchemaVariant?: string;
};

/** The bundled app, plus its crons (left out of `app` so tests opt into them). */
export type BundledFixture = { app: AppDeployment; crons: CronSpec[] };

function sourceFiles(dir: string, prefix = ""): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === "_generated" ? [] : sourceFiles(dir, relative);
    return entry.name.endsWith(".ts") ? [relative] : [];
  });
}

function isNodeModule(file: string): boolean {
  return /^\s*["']use node["'];?/.test(readFileSync(file, "utf8"));
}

async function bundleComponent(
  sourceDir: string,
  outDir: string,
  componentPath: string,
  schemaOverride: string | undefined,
): Promise<ComponentDeployment> {
  const files = sourceFiles(sourceDir);
  const entries = files.map((file) => ({
    in: file === "schema.ts" && schemaOverride !== undefined ? schemaOverride : path.join(sourceDir, file),
    out: file.replace(/\.ts$/, ""),
  }));
  const isolate = entries.filter((entry) => !isNodeModule(entry.in));
  const node = entries.filter((entry) => isNodeModule(entry.in));
  const common: BuildOptions = {
    bundle: true,
    format: "esm",
    splitting: true,
    outdir: outDir,
    conditions: ["convex", "module"],
    keepNames: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    sourcemap: "external",
    target: "esnext",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  };
  if (isolate.length > 0)
    await build({ ...common, entryPoints: isolate, platform: "browser", chunkNames: "_deps/[hash]" });
  if (node.length > 0) await build({ ...common, entryPoints: node, platform: "node", chunkNames: "_deps/node/[hash]" });
  writeFileSync(path.join(outDir, "package.json"), JSON.stringify({ type: "module" }));
  const modules = files
    .map((file) => file.replace(/\.ts$/, ".js"))
    .filter((file) => !["schema.js", "convex.config.js", "auth.config.js"].includes(file));
  return {
    componentPath,
    definitionPath: componentPath === "" ? "" : `../${componentPath}`,
    modulesDir: outDir,
    modules,
    hasSchema: files.includes("schema.ts"),
  };
}

/**
 * Bundles the root app (`app/convex`) and its `counter` component.
 *
 * @example
 * const { app } = await bundleFixtureApp({ outDir: "/tmp/x/node_modules/fixture/v1", version: "v1" });
 * await engine.deploy(app);
 */
export async function bundleFixtureApp(options: BundleFixtureOptions): Promise<BundledFixture> {
  const rootOut = path.join(options.outDir, "root");
  const counterOut = path.join(options.outDir, "counter");
  mkdirSync(rootOut, { recursive: true });
  mkdirSync(counterOut, { recursive: true });
  const schemaOverride =
    options.rootSchemaVariant === undefined
      ? undefined
      : path.join(APP_DIR, "schema-variants", options.rootSchemaVariant);
  const root = await bundleComponent(path.join(APP_DIR, "convex"), rootOut, "", schemaOverride);
  const counter = await bundleComponent(path.join(APP_DIR, "counter"), counterOut, "counter", undefined);
  // Read crons the way the deploy side does: `default.export()` of crons.js.
  const cronsModule = (await import(pathToFileURL(path.join(rootOut, "crons.js")).href)) as {
    default: { export(): string };
  };
  const parsed = JSON.parse(cronsModule.default.export()) as Record<
    string,
    { name: string; args: unknown[]; schedule: Record<string, unknown> }
  >;
  const crons = Object.entries(parsed).map(([identifier, job]) => ({
    identifier,
    udfPath: job.name,
    args: job.args,
    schedule: job.schedule,
  }));
  return { app: { version: options.version, components: [root, counter], authConfig: [], crons: [] }, crons };
}
