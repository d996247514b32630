/**
 * Pins that each convex-test database knows its component, which
 * `component-pagination.ts` reads to refuse `paginate()` outside the app.
 */
import { describe, expect, test } from "vitest";
import { newInstance } from "../test-fixtures/convex-test-internals-app.ts";
import { databaseComponentPath } from "./database-component-path.ts";

describe("convex-test internals convex-local relies on", () => {
  test("a database names its component: the app's is the root (\"\"), a child's its path", () => {
    const { global } = newInstance();
    expect(databaseComponentPath(global.components[""]!.db)).toBe("");
    expect(databaseComponentPath(global.components.comp!.db)).toBe("comp");
  });
});
