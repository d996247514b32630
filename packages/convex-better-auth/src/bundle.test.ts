// @vitest-environment node
import { build, type Metafile, type Plugin } from "esbuild";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Every entry point whose code ends up inside a Convex function (V8 isolate,
// no "use node"): the component, and what apps import into their convex/ files.
const ENTRIES = [
  "src/component/adapter.ts",
  "src/component/convex.config.ts",
  "src/component/schema.ts",
  "src/index.ts",
  "src/plugins/index.ts",
  "src/auth-config/index.ts",
  "src/utils/index.ts",
];

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

async function bundleForConvex(entry: string, root = packageRoot) {
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

describe("the Node built-in detector", () => {
  test("reports static, bare and dynamic built-in imports with the chain that reaches them", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "cba-bundle-"));
    try {
      writeFileSync(path.join(root, "entry.ts"), 'import { read } from "./reader";\nexport const x = read;\n');
      writeFileSync(
        path.join(root, "reader.ts"),
        'import { readFileSync } from "node:fs";\nimport * as p from "path";\n' +
          'export const read = async () => [readFileSync, p, await import("node:async_hooks")];\n',
      );
      const { report } = await bundleForConvex("entry.ts", root);
      expect(report).toEqual([
        { specifier: "node:fs", chain: "entry.ts -> reader.ts" },
        { specifier: "path", chain: "entry.ts -> reader.ts" },
        { specifier: "node:async_hooks", chain: "entry.ts -> reader.ts" },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("Code that runs inside Convex functions bundles with esbuild for a non-Node platform without any Node built-in", () => {
  for (const entry of ENTRIES) {
    const exists = existsSync(path.join(packageRoot, entry));
    test.skipIf(!exists)(`${entry}${exists ? "" : " (skipped: entry file does not exist yet)"}`, async () => {
      const { report, bytes } = await bundleForConvex(entry);
      expect(bytes).toBeGreaterThan(0);
      // On failure the diff shows each built-in with the import chain that pulls it in.
      expect(report).toEqual([]);
    });
  }
});
