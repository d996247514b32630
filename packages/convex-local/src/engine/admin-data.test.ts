import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEngine, type PersistentEngine } from "./create-engine.ts";
import { bundleFixtureApp } from "./test-fixtures/bundle-fixture-app.ts";
import { createTempDirs, type TempDirs } from "./test-fixtures/temp-dirs.ts";
import type { AppDeployment, RunResult } from "./types.ts";

const URLS = { cloudUrl: "http://127.0.0.1:3210", siteUrl: "http://127.0.0.1:3211" };

function valueOf(result: RunResult): unknown {
  if (result.status !== "success") throw new Error(`Expected success, got: ${result.errorMessage}`);
  return result.value;
}

function call(engine: PersistentEngine, udfPath: string, args: Record<string, unknown> = {}) {
  return engine.run({ componentPath: "", udfPath, args, caller: { kind: "anonymous" } });
}

describe("the engine's admin data (npx convex data / export / import)", () => {
  let dirs: TempDirs;
  let app: AppDeployment;

  beforeAll(async () => {
    dirs = createTempDirs();
    ({ app } = await bundleFixtureApp({ outDir: dirs.modulesDir("v1"), version: "v1" }));
  });

  afterAll(() => dirs.remove());

  test("reads committed documents, tables and files", async () => {
    const engine = await createEngine({ dataDir: dirs.dataDir("read"), ...URLS });
    try {
      expect(engine.adminData.componentPaths()).toEqual([]);
      await engine.deploy(app);
      const id = valueOf(await call(engine, "messages:send", { body: "hi", author: "ann" })) as string;
      const fileId = valueOf(await call(engine, "files:store", { text: "bytes" })) as string;
      const data = engine.adminData;
      expect(data.componentPaths()[0]).toBe("");
      // Schema tables are listed even while empty; system tables with documents too.
      expect(data.tableNames("")).toEqual(expect.arrayContaining(["_storage", "events", "messages", "pairs"]));
      expect(data.documents("", "messages")).toEqual([expect.objectContaining({ _id: id, body: "hi" })]);
      expect(new TextDecoder().decode((await data.fileBytes("", fileId))!)).toBe("bytes");
      expect(data.isDocumentId("messages", id)).toBe(true);
      expect(data.isDocumentId("events", id)).toBe(false);
      expect(data.documents("no/such/component", "messages")).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  test("one transaction writes documents and files under the given ids, durably and visibly to functions and subscribers", async () => {
    const dataDir = dirs.dataDir("write");
    const first = await createEngine({ dataDir, ...URLS });
    await first.deploy(app);
    const written: string[] = [];
    first.onCommitWrites(({ writes }) => written.push(...writes.map((w) => w.id)));
    const messageId = "000000000000000000020000messages";
    const fileId = "000000000000000000020001_storage";
    await first.adminData.transact((writer) => {
      writer.validate("", "messages", { body: "restored", author: "ann" });
      writer.put("", { _id: messageId, _creationTime: 1700000000000.25, body: "restored", author: "ann" });
      writer.putFile("", {
        id: fileId,
        creationTime: 1700000000000.5,
        bytes: new TextEncoder().encode("file"),
        contentType: "text/plain",
      });
    });
    expect(written.sort()).toEqual([messageId, fileId].sort());
    expect(valueOf(await call(first, "messages:list"))).toEqual([
      { _id: messageId, _creationTime: 1700000000000.25, body: "restored", author: "ann" },
    ]);
    expect(valueOf(await call(first, "files:read", { id: fileId }))).toBe("file");
    await first.close();

    const second = await createEngine({ dataDir, ...URLS });
    try {
      await second.deploy({ ...app, version: "v1-again" });
      expect(valueOf(await call(second, "files:read", { id: fileId }))).toBe("file");
      expect(valueOf(await call(second, "files:metadata", { id: fileId }))).toMatchObject({
        size: 4,
        contentType: "text/plain",
      });
      const later = valueOf(await call(second, "messages:send", { body: "later", author: "bob" })) as string;
      expect(Number(/^\d+/.exec(later)![0]), "new ids continue after restored ones").toBeGreaterThan(20001);
      await second.adminData.transact((writer) => writer.delete("", messageId));
      expect((valueOf(await call(second, "messages:list")) as unknown[]).length).toBe(1);
    } finally {
      await second.close();
    }
  });

  test("a transaction that throws writes nothing, and schema checks throw convex-test's error", async () => {
    const engine = await createEngine({ dataDir: dirs.dataDir("abort"), ...URLS });
    try {
      await engine.deploy(app);
      await expect(
        engine.adminData.transact((writer) => {
          writer.put("", {
            _id: writer.newId("", "messages"),
            _creationTime: writer.newCreationTime(""),
            body: "x",
            author: "y",
          });
          writer.validate("", "messages", { body: 1 });
        }),
      ).rejects.toThrow(/Validator error/);
      expect(engine.adminData.documents("", "messages")).toEqual([]);
    } finally {
      await engine.close();
    }
  });
});
