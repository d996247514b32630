import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEngine, type PersistentEngine } from "../engine/create-engine.ts";
import { bundleFixtureApp } from "../engine/test-fixtures/bundle-fixture-app.ts";
import { createTempDirs, type TempDirs } from "../engine/test-fixtures/temp-dirs.ts";
import { applyImport, planImport } from "./snapshot-import.ts";
import { parseImportFile } from "./snapshot-import-parse.ts";

const URLS = { cloudUrl: "http://127.0.0.1:3210", siteUrl: "http://127.0.0.1:3211" };

let dirs: TempDirs;
let engine: PersistentEngine;

beforeAll(async () => {
  dirs = createTempDirs();
  const { app } = await bundleFixtureApp({ outDir: dirs.modulesDir("v1"), version: "v1" });
  engine = await createEngine({ dataDir: dirs.dataDir(), ...URLS });
  await engine.deploy(app);
});

afterAll(async () => {
  await engine?.close();
  dirs?.remove();
});

const jsonl = (table: string, content: string) =>
  parseImportFile(strToU8(content), { format: "jsonLines", tableName: table, componentPath: "" });

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error("no failure");
}

describe("snapshot import", () => {
  test("summarises the change per component, with thousands separators, and asks only when it deletes", async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => `{"body":"m${i}","author":"a"}`).join("\n");
    const zip = parseImportFile(
      zipSync({
        "messages/documents.jsonl": strToU8(rows),
        "_components/counter/counters/documents.jsonl": strToU8('{"name":"n","value":1}\n'),
      }),
      { format: "zip", tableName: null, componentPath: "" },
    );
    const plan = planImport(engine.adminData, zip, "append");
    expect(plan.requireManualConfirmation).toBe(false);
    expect(plan.message.split("\n")).toEqual([
      "Import change summary:",
      "table    | create | delete |",
      "----------------------------",
      "messages | 1,200  | 0 of 0 |",
      "Component counter",
      "table    | create | delete |",
      "----------------------------",
      "counters | 1      | 0 of 0 |",
      "Once the import has started, it will run in the background.",
      "Interrupting `npx convex import` will not cancel it.",
    ]);
    expect(await applyImport(engine.adminData, zip, "append")).toEqual({ rowsWritten: 1201 });
    const replace = planImport(engine.adminData, jsonl("messages", '{"body":"only","author":"a"}'), "replace");
    expect(replace.requireManualConfirmation).toBe(true);
    expect(replace.message).toContain("messages | 1      | 1,200 of 1,200 |");
    await applyImport(engine.adminData, jsonl("messages", '{"body":"only","author":"a"}'), "replace");
    expect(engine.adminData.documents("", "messages").map((d) => d.body)).toEqual(["only"]);
  });

  test("refuses what Convex refuses, and writes nothing then", async () => {
    expect(() => planImport(engine.adminData, jsonl("messages", '{"body":"x","author":"a"}'), "requireEmpty")).toThrow(
      "Table messages already exists. Please choose a new table name or use replace/append modes.",
    );
    const before = engine.adminData.documents("", "messages").length;
    expect(
      await failure(
        applyImport(engine.adminData, jsonl("messages", '{"body":"x","author":"a","_secret":1}'), "append"),
      ),
    ).toEqual({
      code: "InvalidConvexValue",
      message:
        'Row 1 wasn\'t a valid Convex value: field name "_secret" starts with "_", which is reserved for system fields',
    });
    expect(
      await failure(
        applyImport(
          engine.adminData,
          jsonl("messages", '{"_id":"x1","body":"a","author":"a"}\n{"_id":"x1","body":"b","author":"a"}'),
          "append",
        ),
      ),
    ).toEqual({
      code: "DuplicateId",
      message: 'Objects in table "messages" have duplicate _id fields',
    });
    const schema = await failure(
      applyImport(engine.adminData, jsonl("messages", '{"body":"fits","author":"a"}\n{"body":2}'), "append"),
    );
    expect(schema.message).toMatch(
      /^Hit an error while importing:\nFailed to insert or update a document in table "messages" because it does not match the schema: /,
    );
    expect(engine.adminData.documents("", "messages")).toHaveLength(before);
  });
});
