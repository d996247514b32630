/**
 * `db.get`/`patch`/`replace`/`delete` with a system-table id and
 * `db.system.get` with a user-table id throw the backend's
 * `SystemTableError` texts. convex-test let them through: `db.delete` of a
 * `_scheduled_functions` id deleted the job, and `db.system.get` read user
 * documents, so an app could rely on what Convex refuses.
 */
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "../server/start-convex-local.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, pushOnce, startTestServer } from "../test-fixtures/cli-harness.ts";
import { SYSTEM_TABLE_ONLY, USER_TABLE_NOT_SYSTEM, systemTableViolation } from "./system-table-guard.ts";

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

describe("the system-table guard, through ConvexHttpClient", () => {
  let itemId: string;
  let jobId: string;
  let fileId: string;

  beforeAll(async () => {
    itemId = (await client.mutation(api.systemTables.addItem, { text: "a" })) as string;
    jobId = (await client.mutation(api.systemTables.scheduleNothing, {})) as string;
    fileId = (await client.action(api.files.storeText, { text: "bytes" })) as string;
  });

  it("db.get of a _scheduled_functions or _storage id throws", async () => {
    for (const id of [jobId, fileId]) {
      expect(await failureOf(client.query(api.systemTables.getAny, { id }))).toMatch(
        /^\[Request ID: [0-9a-f]{16}\] Server Error\nUncaught Error: System tables can only be accessed with db\.system\./,
      );
    }
  });

  it("db.patch, db.replace and db.delete of a system id throw and change nothing", async () => {
    for (const id of [jobId, fileId]) {
      for (const mutation of [api.systemTables.patchAny, api.systemTables.replaceAny, api.systemTables.deleteAny]) {
        expect(await failureOf(client.mutation(mutation, { id }))).toContain(`Uncaught Error: ${SYSTEM_TABLE_ONLY}`);
      }
    }
    expect(await client.query(api.systemTables.systemGetAny, { id: jobId })).toMatchObject({
      state: { kind: "pending" },
    });
    expect(await client.action(api.files.readText, { id: fileId })).toBe("bytes");
  });

  it("db.system.get of a user id throws; of a system id it reads", async () => {
    expect(await failureOf(client.query(api.systemTables.systemGetAny, { id: itemId }))).toContain(
      `Uncaught Error: ${USER_TABLE_NOT_SYSTEM}`,
    );
    expect(await client.query(api.systemTables.systemGetAny, { id: fileId })).toMatchObject({ _id: fileId, size: 5 });
    expect(await client.query(api.systemTables.getAny, { id: itemId })).toMatchObject({ _id: itemId, text: "a" });
  });
});

describe("systemTableViolation", () => {
  it("checks only the document syscalls, and lets ids without a table through", () => {
    expect(systemTableViolation("1.0/get", { id: "10001_storage", isSystem: false })).toBe(SYSTEM_TABLE_ONLY);
    expect(systemTableViolation("1.0/get", { id: "10001_storage", isSystem: true })).toBeNull();
    expect(systemTableViolation("1.0/get", { id: "10001items", isSystem: true })).toBe(USER_TABLE_NOT_SYSTEM);
    expect(systemTableViolation("1.0/remove", { id: "10001_scheduled_functions" })).toBe(SYSTEM_TABLE_ONLY);
    expect(systemTableViolation("1.0/insert", { id: "10001_storage" })).toBeNull();
    expect(systemTableViolation("1.0/get", { id: "12345", isSystem: false })).toBeNull();
  });
});
