// @vitest-environment node
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { bundleForConvex, packageRoot } from "./test-utils/bundle-for-convex.js";

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
