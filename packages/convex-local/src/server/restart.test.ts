import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "./start-convex-local.ts";
import {
  copyFixtureApp,
  dataDirIn,
  ensureBetterAuthBuilt,
  makeScratchDir,
  pushOnce,
  runFunction,
  startTestServer,
} from "../test-fixtures/cli-harness.ts";

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal | undefined;

beforeAll(async () => {
  ensureBetterAuthBuilt();
  scratch = await makeScratchDir();
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

describe("restarting convex-local on the same data dir", () => {
  it("keeps the admin key, the data and the deployed functions without a new push", async () => {
    const app = await copyFixtureApp("basic-app", scratch.dir);
    const dataDir = dataDirIn(scratch.dir);
    server = await startTestServer(dataDir);
    const firstKey = server.adminKey;
    await pushOnce(app, server);
    await runFunction(app, server, "messages:send", { body: "kept", author: "ada" });
    await server.stop();

    server = await startTestServer(dataDir);
    expect(server.adminKey).toBe(firstKey);
    const messages = (await runFunction(app, server, "messages:list")) as { body: string }[];
    expect(messages.map((m) => m.body)).toEqual(["kept"]);
    expect(await runFunction(app, server, "hello:hi", { name: "again" })).toBe("hi again");
    await server.stop();

    // Module files are a cache of the store: a start rewrites them when they are gone.
    await rm(path.join(dataDir, "modules"), { recursive: true, force: true });
    server = await startTestServer(dataDir);
    expect(await runFunction(app, server, "messages:count")).toBe(1);
  });
});
