/**
 * `/api/query_ts` and `/api/query_at_ts` through `ConvexHttpClient.consistentQuery`
 * (what `@convex-dev/react-query` uses for SSR). Before, both routes answered
 * 400 `NotImplemented`, so every consistent query failed.
 */
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "../server/start-convex-local.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, pushOnce, startTestServer } from "../test-fixtures/cli-harness.ts";
import { createConsistentReads, decodeTs, encodeTs, RETENTION_MS, type CommitSource } from "./consistent-reads.ts";
import type { CommitWrite } from "./read-set.ts";

const api = anyApi;
let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let writer: ConvexHttpClient;

const newClient = () => new ConvexHttpClient(server.cloudUrl, { logger: false });

async function post(route: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.cloudUrl}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  scratch = await makeScratchDir();
  const appDir = await copyFixtureApp("../engine/test-fixtures/semantics-app", scratch.dir);
  server = await startTestServer(dataDirIn(scratch.dir));
  await pushOnce(appDir, server);
  writer = newClient();
  await writer.mutation(api.consistent.addNote, { author: "ada", text: "first" });
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

describe("consistent queries through ConvexHttpClient", () => {
  it("query_ts answers the latest commit's ts, and query_at_ts the query's result", async () => {
    const before = await post("/api/query_ts", {});
    expect(before.status).toBe(200);
    await writer.mutation(api.consistent.addNote, { author: "bob", text: "hello" });
    const after = await post("/api/query_ts", {});
    expect(decodeTs((after.body as { ts: string }).ts)).toBeGreaterThan(decodeTs((before.body as { ts: string }).ts));

    const reader = newClient();
    expect(await reader.consistentQuery(api.consistent.notesBy, { author: "ada" })).toEqual(["first"]);
    expect(await reader.consistentQuery(api.consistent.notesBy, { author: "bob" })).toEqual(["hello"]);
  });

  it("a write between two consistent queries that the second one does not read leaves it answering", async () => {
    const reader = newClient();
    expect(await reader.consistentQuery(api.consistent.notesBy, { author: "ada" })).toEqual(["first"]);
    await writer.mutation(api.consistent.addNote, { author: "carol", text: "unrelated" });
    // Same ts as the first query: carol's note is not in ada's index range, so the latest result is the result at that ts.
    expect(await reader.consistentQuery(api.consistent.notesBy, { author: "ada" })).toEqual(["first"]);
    // Carol's note is after the client's ts: the result at that ts has none, which the latest state can't give.
    await expect(reader.consistentQuery(api.consistent.notesBy, { author: "carol" })).rejects.toThrow(
      '{"code":"InternalServerError","message":"Your request couldn\'t be completed. Try again later."}',
    );
  });

  it("a write between two consistent queries that the second one reads fails it as the backend fails an out-of-retention read", async () => {
    const reader = newClient();
    expect(await reader.consistentQuery(api.consistent.notesBy, { author: "ada" })).toEqual(["first"]);
    await writer.mutation(api.consistent.addNote, { author: "ada", text: "second" });
    await expect(reader.consistentQuery(api.consistent.notesBy, { author: "ada" })).rejects.toThrow(
      /InternalServerError/,
    );
    // A new client gets a new ts and the new state.
    expect(await newClient().consistentQuery(api.consistent.notesBy, { author: "ada" })).toEqual(["first", "second"]);
  });

  it("query_at_ts refuses a malformed ts and a ts after the latest commit with 400 InvalidTimestamp", async () => {
    const latest = decodeTs(((await post("/api/query_ts", {})).body as { ts: string }).ts);
    for (const ts of ["nope", encodeTs(latest + 1_000_000_000n)]) {
      const reply = await post("/api/query_at_ts", { path: "consistent:notesBy", args: [{ author: "ada" }], ts });
      expect(reply).toMatchObject({ status: 400, body: { code: "InvalidTimestamp" } });
    }
  });

  it("query_at_ts answers a function error as /api/query does (HTTP 200, status error)", async () => {
    const { ts } = (await post("/api/query_ts", {})).body as { ts: string };
    const reply = await post("/api/query_at_ts", {
      path: "consistent:notesBy",
      args: [{}],
      ts,
      format: "convex_encoded_json",
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: "error",
      errorMessage: expect.stringContaining("ArgumentValidationError"),
    });
  });
});

describe("createConsistentReads", () => {
  function fakeSource() {
    let ts = 10n;
    const listeners: ((commit: { ts: bigint; writes: CommitWrite[] }) => void)[] = [];
    const source: CommitSource = {
      lastCommitTs: () => ts,
      onCommitWrites(listener) {
        listeners.push(listener);
        return () => {};
      },
    };
    const commit = (tableName: string) => {
      ts += 1n;
      for (const listener of listeners)
        listener({ ts, writes: [{ componentPath: "", tableName, id: `${ts};${tableName}` }] });
    };
    return { source, commit };
  }

  it("serves a ts older than the retention window never, even with no conflicting write", async () => {
    let clock = 0;
    const { source, commit } = fakeSource();
    const reads = createConsistentReads(source, { now: () => clock });
    commit("other");
    // A ts from before the log started is out of the window.
    await expect(reads.readAt(9n, "", async () => "value")).rejects.toMatchObject({
      code: "InternalServerError",
      status: 503,
    });
    expect(await reads.readAt(10n, "", async () => "value")).toBe("value");
    clock += RETENTION_MS + 1;
    commit("other");
    await expect(reads.readAt(10n, "", async () => "value")).rejects.toMatchObject({ status: 503 });
    expect(await reads.readAt(11n, "", async () => "value")).toBe("value");
  });

  it("encodes a ts as the backend does: base64 of the little-endian u64", () => {
    expect(encodeTs(1n)).toBe("AQAAAAAAAAA=");
    expect(decodeTs(encodeTs(1_700_000_000_000_000_000n))).toBe(1_700_000_000_000_000_000n);
  });
});
