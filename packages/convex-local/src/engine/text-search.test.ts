/**
 * Text search as Convex documents it, through ConvexHttpClient. convex-test
 * matched every term as a prefix of whitespace-split words, answered in
 * creation order, and paged with `_id` cursors that skip or repeat results
 * when the order is not `_id` order.
 */
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "../server/start-convex-local.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, pushOnce, startTestServer } from "../test-fixtures/cli-harness.ts";
import { tokenize } from "./text-search.ts";

const api = anyApi;
let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let client: ConvexHttpClient;

type Page = { page: string[]; isDone: boolean; continueCursor: string };
const search = async (text: string, author?: string) =>
  (await client.query(api.search.searchNotes, author === undefined ? { text } : { text, author })) as string[];
const page = async (text: string, numItems: number, cursor: string | null) =>
  (await client.query(api.search.searchPage, { text, paginationOpts: { numItems, cursor } })) as Page;

beforeAll(async () => {
  scratch = await makeScratchDir();
  const appDir = await copyFixtureApp("../engine/test-fixtures/semantics-app", scratch.dir);
  server = await startTestServer(dataDirIn(scratch.dir));
  await pushOnce(appDir, server);
  client = new ConvexHttpClient(server.cloudUrl, { logger: false });
  for (const text of ["the quick brown fox", "quick quick quick", "brown bear", "quickly done", "fox-trot dance"]) {
    await client.mutation(api.consistent.addNote, { author: "ada", text });
  }
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

describe("text search terms and order", () => {
  it("matches the last term as a prefix, in relevance order (term frequency, then shorter text)", async () => {
    expect(await search("quick")).toEqual(["quick quick quick", "quickly done", "the quick brown fox"]);
  });

  it("matches the other terms exactly, not as prefixes", async () => {
    expect(await search("quic brown")).toEqual(["brown bear", "the quick brown fox"]);
    expect(await search("quick bro")).toEqual(["the quick brown fox", "quick quick quick", "brown bear"]);
  });

  it("tokenizes on punctuation and ignores case", async () => {
    expect(await search("TROT")).toEqual(["fox-trot dance"]);
    // Both hold "fox" once: the shorter text ranks first.
    expect(await search("Fox")).toEqual(["fox-trot dance", "the quick brown fox"]);
    expect(tokenize("Hello, Wörld! x2")).toEqual(["hello", "wörld", "x2"]);
  });

  it("keeps equality filters and answers nothing for a query without terms", async () => {
    expect(await search("quick", "nobody")).toEqual([]);
    expect(await search(" ,. ")).toEqual([]);
  });
});

describe("text search pagination", () => {
  it("pages in relevance order with isDone on the page holding the last result", async () => {
    const first = await page("quick", 2, null);
    expect(first).toMatchObject({ page: ["quick quick quick", "quickly done"], isDone: false });
    const second = await page("quick", 2, first.continueCursor);
    expect(second).toMatchObject({ page: ["the quick brown fox"], isDone: true });
    expect(await page("quick", 3, null)).toMatchObject({
      page: ["quick quick quick", "quickly done", "the quick brown fox"],
      isDone: true,
    });
  });

  it("continues right after the previous page when a new result ranks above it", async () => {
    const first = await page("bear", 1, null);
    expect(first).toMatchObject({ page: ["brown bear"], isDone: true });
    await client.mutation(api.consistent.addNote, { author: "bob", text: "bear" });
    await client.mutation(api.consistent.addNote, { author: "bob", text: "polar bear cub" });
    const fresh = await page("bear", 1, null);
    expect(fresh).toMatchObject({ page: ["bear"], isDone: false });
    // The newcomer ranks first; the page after "bear" still starts after it, with no repeat.
    const next = await page("bear", 5, fresh.continueCursor);
    expect(next).toMatchObject({ page: ["brown bear", "polar bear cub"], isDone: true });
  });

  it("ranks equal scores newest first", async () => {
    await client.mutation(api.consistent.addNote, { author: "carol", text: "twin alpha" });
    await client.mutation(api.consistent.addNote, { author: "dave", text: "twin beta" });
    expect(await search("twin")).toEqual(["twin beta", "twin alpha"]);
  });
});
