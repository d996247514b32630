/**
 * Type-checks every example (its app and its convex/ folder) with the
 * repository's TypeScript. Runs after the example tests (files run in name
 * order): their `convex dev` writes each example's convex/_generated, which
 * is not committed, and `next dev` writes next-env.d.ts.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TSC = path.join(REPO, "node_modules/typescript/bin/tsc");

for (const example of ["next", "react", "tanstack"]) {
  for (const project of [`examples/${example}`, `examples/${example}/convex`]) {
    test(`tsc --noEmit -p ${project}`, async () => {
      const generated = path.join(REPO, `examples/${example}/convex/_generated/api.d.ts`);
      assert.ok(
        existsSync(generated),
        `${generated} is missing: the ${example} example test generates it; run it first`,
      );
      try {
        await promisify(execFile)(process.execPath, [TSC, "--noEmit", "-p", project], { cwd: REPO, timeout: 180_000 });
      } catch (error) {
        assert.fail(`tsc found errors in ${project}:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
      }
    });
  }
}
