import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEngine, type PersistentEngine } from "./create-engine.ts";
import { bundleFixtureApp } from "./test-fixtures/bundle-fixture-app.ts";
import { createTempDirs, type TempDirs } from "./test-fixtures/temp-dirs.ts";
import type { AppDeployment } from "./types.ts";

describe("validateDeployment", () => {
  let dirs: TempDirs;
  let engine: PersistentEngine;
  let app: AppDeployment;
  let messageId: unknown;

  beforeAll(async () => {
    dirs = createTempDirs();
    ({ app } = await bundleFixtureApp({ outDir: dirs.modulesDir("v1"), version: "v1" }));
    engine = await createEngine({
      dataDir: dirs.dataDir(),
      cloudUrl: "http://127.0.0.1:3210",
      siteUrl: "http://127.0.0.1:3211",
    });
    await engine.deploy(app);
    const sent = await engine.run({
      componentPath: "",
      udfPath: "messages:send",
      args: { body: "hi", author: "ann" },
      caller: { kind: "anonymous" },
    });
    messageId = sent.status === "success" ? sent.value : null;
    await engine.run({
      componentPath: "",
      udfPath: "scheduled:later",
      args: { name: "x", delayMs: 60_000 },
      caller: { kind: "anonymous" },
    });
  });

  afterAll(async () => {
    await engine.close();
    dirs.remove();
  });

  test("passes when every document fits (system tables are not checked)", async () => {
    expect(await engine.validateDeployment(app)).toBeNull();
    const { app: optional } = await bundleFixtureApp({
      outDir: dirs.modulesDir("optional"),
      version: "optional",
      rootSchemaVariant: "messages-optional-priority.ts",
    });
    expect(await engine.validateDeployment(optional)).toBeNull();
  });

  test("names the table, document and missing field of a violation", async () => {
    const { app: strict } = await bundleFixtureApp({
      outDir: dirs.modulesDir("strict"),
      version: "strict",
      rootSchemaVariant: "messages-require-priority.ts",
    });
    const violation = await engine.validateDeployment(strict);
    expect(violation).toEqual({ componentPath: "", tableName: "messages", error: expect.any(String) });
    expect(violation!.error).toContain(
      `Document with ID "${String(messageId)}" in table "messages" does not match the schema`,
    );
    expect(violation!.error).toContain("Missing required field `priority`");
    expect(engine.current(), "validation does not switch deployments").toBe(app);
  });

  test("names the field whose type changed", async () => {
    const { app: changed } = await bundleFixtureApp({
      outDir: dirs.modulesDir("changed"),
      version: "changed",
      rootSchemaVariant: "messages-author-number.ts",
    });
    const violation = await engine.validateDeployment(changed);
    expect(violation?.error).toContain("Field `author`: Validator error: Expected `number`, got `ann`");
  });
});
