/**
 * Staged indexes exist after a push but are not queryable, through
 * ConvexHttpClient. Before, a staged database index failed with convex-test's
 * "not declared in the schema" text and a staged search index answered.
 */
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "../server/start-convex-local.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, pushOnce, startTestServer } from "../test-fixtures/cli-harness.ts";

const api = anyApi;
let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let client: ConvexHttpClient;

beforeAll(async () => {
  scratch = await makeScratchDir();
  const appDir = await copyFixtureApp("../engine/test-fixtures/semantics-app", scratch.dir);
  server = await startTestServer(dataDirIn(scratch.dir));
  await pushOnce(appDir, server);
  client = new ConvexHttpClient(server.cloudUrl, { logger: false });
  await client.mutation(api.consistent.addNote, { author: "ada", text: "staged" });
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

describe("staged indexes", () => {
  it("querying a staged database index throws the backend's IndexStagedError text", async () => {
    await expect(client.query(api.search.stagedRange, {})).rejects.toThrow(
      /Uncaught Error: Index notes\.by_text_staged is currently staged and not available to query until it is enabled\./,
    );
  });

  it("querying a staged search index throws the same text", async () => {
    await expect(client.query(api.search.stagedSearch, {})).rejects.toThrow(
      /Uncaught Error: Index notes\.search_text_staged is currently staged and not available to query until it is enabled\./,
    );
  });

  it("the table's enabled indexes still answer", async () => {
    expect(await client.query(api.consistent.notesBy, { author: "ada" })).toEqual(["staged"]);
    expect(await client.query(api.search.searchNotes, { text: "staged" })).toEqual(["staged"]);
  });
});
