import { build, type Metafile, type Plugin } from "esbuild";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The library package's root, where its entries and node_modules resolve from. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith("_")));

// `node:*` always; bare names only when the root is a Node built-in, so
// packages such as `path-to-regexp` or `events-polyfill` are left alone.
function builtinName(specifier: string): string | undefined {
  if (specifier.startsWith("node:")) return specifier;
  const root = specifier.split("/")[0]!;
  return BUILTINS.has(root) ? specifier : undefined;
}

type BuiltinImport = { specifier: string; importer: string };

function recordBuiltins(root: string, found: BuiltinImport[]): Plugin {
  return {
    name: "record-node-builtins",
    setup(pluginBuild) {
      // The filter is only a pre-check; builtinName decides.
      pluginBuild.onResolve({ filter: /^node:|^[a-z_]+(\/[a-z_/]+)?$/ }, (args) => {
        const name = builtinName(args.path);
        if (!name) return undefined;
        found.push({ specifier: name, importer: path.relative(root, args.importer) });
        // External, so one build reports every built-in instead of stopping at the first.
        return { path: name, external: true };
      });
    },
  };
}

// The shortest import chain from the entry to `importer`, through the metafile.
function importChain(root: string, metafile: Metafile, entry: string, importer: string): string[] {
  const inputs = metafile.inputs;
  const keyOf = (file: string) =>
    Object.keys(inputs).find((key) => path.resolve(root, key) === path.resolve(root, file));
  const start = keyOf(entry);
  const goal = keyOf(importer);
  if (!start || !goal) return [entry, "…", importer];
  const previous = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (current === goal) break;
    for (const next of inputs[current]?.imports ?? []) {
      if (next.external || previous.has(next.path)) continue;
      previous.set(next.path, current);
      queue.push(next.path);
    }
  }
  const chain: string[] = [];
  for (let at: string | null | undefined = goal; at; at = previous.get(at)) chain.unshift(at);
  return chain;
}

/**
 * Bundles `entry` the way the Convex CLI bundles isolate code and reports
 * every Node built-in it reaches, with the import chain that reaches it.
 *
 * @example
 * ```ts
 * const { report } = await bundleForConvex("src/index.ts");
 * expect(report).toEqual([]);
 * ```
 */
export async function bundleForConvex(entry: string, root = packageRoot) {
  const found: BuiltinImport[] = [];
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    // Convex bundles isolate code for "browser", which adds the "browser"
    // export condition. That matters: under "neutral",
    // `@better-auth/core/async_hooks` resolves to its Node build, whose
    // dynamic `import("node:async_hooks")` this test would then report.
    platform: "browser",
    format: "esm",
    write: false,
    metafile: true,
    outdir: "out",
    mainFields: ["module", "main"],
    // "module" too, because Convex's bundler passes it.
    conditions: ["convex", "module", "import", "default"],
    logLevel: "silent",
    plugins: [recordBuiltins(root, found)],
  });
  const report = found.map(({ specifier, importer }) => ({
    specifier,
    chain: importChain(root, result.metafile, entry, importer).join(" -> "),
  }));
  return { report, bytes: result.outputFiles.reduce((sum, file) => sum + file.contents.byteLength, 0) };
}
