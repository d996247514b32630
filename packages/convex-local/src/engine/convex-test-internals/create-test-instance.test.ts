/**
 * Pins the convex-test version and the capture of its private global; a
 * convex-test upgrade that breaks one fails here with its name.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { newInstance } from "../test-fixtures/convex-test-internals-app.ts";
import { assertInternalsShape } from "./assert-internals-shape.ts";

describe("convex-test internals convex-local relies on", () => {
  test("convex-test is the pinned version", () => {
    const require = createRequire(import.meta.url);
    const packageJson = path.join(path.dirname(require.resolve("convex-test")), "..", "package.json");
    expect(
      JSON.parse(readFileSync(packageJson, "utf8")).version,
      "convex-local's engine is written against convex-test 0.0.70",
    ).toBe("0.0.70");
  });

  test("the private global is captured and has the expected shape", () => {
    const instance = newInstance();
    expect(() => assertInternalsShape(instance.global)).not.toThrow();
    expect(Object.keys(instance.global.components).sort()).toEqual(["", "comp"]);
    expect(instance.global.deploymentJwtKey, "convex-test generates its key lazily; a preset key must win").toBeNull();
  });

  test("each instance has its own global", () => {
    expect(newInstance().global).not.toBe(newInstance().global);
  });
});
