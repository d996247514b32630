/**
 * A commit that can't be written to the store fails only its call.
 *
 * Before, the first failed write (here: another connection holding the
 * SQLite write lock; in the wild also an empty file, which node:sqlite bound
 * as NULL) left memory ahead of disk, and convex-local refused every later
 * call until a restart. Now the commit is undone in memory: the call fails,
 * the next one works, and a restart shows exactly what the clients were told
 * succeeded.
 */
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "../server/start-convex-local.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, pushOnce, startTestServer } from "../test-fixtures/cli-harness.ts";

const api = anyApi;
let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let client: ConvexHttpClient;

async function failureOf(call: Promise<unknown>): Promise<string> {
  try {
    const value = await call;
    throw new Error(`expected the call to fail, it returned ${JSON.stringify(value)}`);
  } catch (error) {
    return (error as Error).message;
  }
}

/** Holds the store's write lock from a second connection while `body` runs. */
async function whileStoreLocked<T>(body: () => Promise<T>): Promise<T> {
  const other = new DatabaseSync(path.join(dataDirIn(scratch.dir), "engine.sqlite"));
  other.exec("BEGIN IMMEDIATE");
  try {
    return await body();
  } finally {
    other.exec("ROLLBACK");
    other.close();
  }
}

const texts = async () => ((await client.query(api.crash.items, {})) as { text: string }[]).map((item) => item.text);

beforeAll(async () => {
  scratch = await makeScratchDir();
  const appDir = await copyFixtureApp("../engine/test-fixtures/semantics-app", scratch.dir);
  server = await startTestServer(dataDirIn(scratch.dir));
  await pushOnce(appDir, server);
  client = new ConvexHttpClient(server.cloudUrl, { logger: false });
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

describe("a commit the store can't write", () => {
  it("fails that mutation and undoes it; the next mutation works, and a restart agrees", async () => {
    await client.mutation(api.systemTables.addItem, { text: "before" });
    const message = await whileStoreLocked(() =>
      failureOf(client.mutation(api.systemTables.addItem, { text: "lost" })),
    );
    expect(message).toMatch(
      /^\[Request ID: [0-9a-f]{16}\] Server Error\nUncaught Error: convex-local could not write to its store: .*database is locked/,
    );
    expect(await texts(), "the failed write is not visible").toEqual(["before"]);
    await client.mutation(api.systemTables.addItem, { text: "after" });
    expect(await texts()).toEqual(["before", "after"]);

    await server.stop();
    server = await startTestServer(dataDirIn(scratch.dir), server.adminKey);
    client = new ConvexHttpClient(server.cloudUrl, { logger: false });
    expect(await texts()).toEqual(["before", "after"]);
  });

  it("fails that upload and keeps serving uploads and files", async () => {
    const uploadUrl = (await client.mutation(api.files.generateUploadUrl, {})) as string;
    const refused = await whileStoreLocked(() => fetch(uploadUrl, { method: "POST", body: "lost" }));
    expect(refused.status).toBe(500);
    expect(await client.query(api.files.list, {})).toEqual([]);
    const accepted = await fetch(uploadUrl, { method: "POST", body: "kept" });
    const { storageId } = (await accepted.json()) as { storageId: string };
    expect(await client.action(api.files.readText, { id: storageId })).toBe("kept");
  });
});
