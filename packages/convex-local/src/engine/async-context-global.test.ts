/**
 * Regression: Better Auth's bundle for Convex keeps its per-request state
 * (endpoint context, transaction adapter) in a variable when there is no
 * `globalThis.AsyncLocalStorage`. Concurrent HTTP actions in convex-local then
 * saw each other's state: a sign-up ran inside another request's transaction
 * and was rolled back with it.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEngine, type PersistentEngine } from "./create-engine.ts";
import { bundleFixtureApp } from "./test-fixtures/bundle-fixture-app.ts";
import { createTempDirs, type TempDirs } from "./test-fixtures/temp-dirs.ts";

describe("async context of concurrent function calls", () => {
  let dirs: TempDirs;
  let engine: PersistentEngine;

  beforeAll(async () => {
    dirs = createTempDirs();
    const { app } = await bundleFixtureApp({ outDir: dirs.modulesDir("v1"), version: "v1" });
    engine = await createEngine({
      dataDir: dirs.dataDir(),
      cloudUrl: "http://127.0.0.1:3210/",
      siteUrl: "http://127.0.0.1:3211",
    });
    await engine.deploy(app);
  });

  afterAll(async () => {
    await engine.close();
    dirs.remove();
  });

  test("each call sees only the store it entered itself", async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `request-${i}`);
    const results = await Promise.all(
      ids.map((id) =>
        engine.run({ componentPath: "", udfPath: "asyncContext:probe", args: { id }, caller: { kind: "anonymous" } }),
      ),
    );
    expect(results.map((result) => (result.status === "success" ? result.value : result.errorMessage))).toEqual(
      ids.map((id) => ({ before: null, after: id })),
    );
  });
});
