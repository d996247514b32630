/**
 * `paginate` pages split and stop as the Convex backend pages them, through
 * ConvexHttpClient and ConvexClient's paginated subscription. convex-test
 * returned a `splitCursor` only with a `pageStatus`, so a pinned page that
 * grew was never split by the client; it recommended a split for any page
 * whose filter dropped rows; and it cut pages pinned by `endCursor` short at
 * `maximumRowsRead`.
 */
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "../server/start-convex-local.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, pushOnce, startTestServer } from "../test-fixtures/cli-harness.ts";

const api = anyApi;
let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let http: ConvexHttpClient;

type Page = {
  page: number[];
  isDone: boolean;
  continueCursor: string;
  splitCursor?: string | null;
  pageStatus?: string | null;
};
type Options = {
  numItems: number;
  cursor: string | null;
  endCursor?: string;
  maximumRowsRead?: number;
  maximumBytesRead?: number;
};
const page = async (paginationOpts: Options, tag?: string) =>
  (await http.query(api.entries.page, tag === undefined ? { paginationOpts } : { paginationOpts, tag })) as Page;
const range = (from: number, to: number, step = 1) =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

beforeAll(async () => {
  scratch = await makeScratchDir();
  const appDir = await copyFixtureApp("../engine/test-fixtures/pagination-app", scratch.dir);
  server = await startTestServer(dataDirIn(scratch.dir));
  await pushOnce(appDir, server);
  http = new ConvexHttpClient(server.cloudUrl, { logger: false });
  // 10, 20, …, 200: room for inserts between any two.
  await http.mutation(api.entries.add, { ns: range(10, 200, 10) });
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

describe("splitCursor and pageStatus", () => {
  it("names the middle of the scanned rows on every page of more than two, without a status", async () => {
    const first = await page({ numItems: 5, cursor: null });
    expect(first).toMatchObject({ page: [10, 20, 30, 40, 50], isDone: false, pageStatus: null });
    expect(first.splitCursor).toEqual(expect.any(String));
    const left = await page({ numItems: 5, cursor: null, endCursor: first.splitCursor! });
    const right = await page({ numItems: 5, cursor: first.splitCursor!, endCursor: first.continueCursor });
    expect([left.page, right.page]).toEqual([
      [10, 20, 30],
      [40, 50],
    ]);
    expect((await page({ numItems: 2, cursor: null })).splitCursor).toBeNull();
  });

  it("recommends no split for a filtered page that read a few more rows than it returns", async () => {
    const odd = await page({ numItems: 3, cursor: null }, "odd");
    expect(odd).toMatchObject({ page: [], isDone: true, pageStatus: null });
    const even = await page({ numItems: 3, cursor: null }, "even");
    expect(even).toMatchObject({ page: [10, 20, 30], pageStatus: null });
  });

  it("stops at maximumRowsRead with SplitRecommended, and the next page goes on from the last row read", async () => {
    await http.mutation(api.entries.add, { ns: [11, 13, 15] });
    try {
      // Rows 10, 11, 13, 15 are read; 10 is the only even one.
      const cut = await page({ numItems: 10, cursor: null, maximumRowsRead: 4 }, "even");
      expect(cut).toMatchObject({ page: [10], isDone: false, pageStatus: "SplitRecommended" });
      const next = await page({ numItems: 2, cursor: cut.continueCursor }, "even");
      expect(next.page).toEqual([20, 30]);
      // Under 3/4 of the budget read: no split asked for.
      expect(await page({ numItems: 2, cursor: null, maximumRowsRead: 8 })).toMatchObject({
        page: [10, 11],
        pageStatus: null,
      });
    } finally {
      for (const n of [11, 13, 15]) await http.mutation(api.entries.remove, { n });
    }
  });

  it("reads a page pinned by endCursor whole, whatever maximumRowsRead says, and ends it at endCursor", async () => {
    const first = await page({ numItems: 8, cursor: null });
    const pinned = await page({ numItems: 8, cursor: null, endCursor: first.continueCursor, maximumRowsRead: 2 });
    // Over 3/4 of its row budget: the client is asked to split it, and no row is dropped.
    expect(pinned).toMatchObject({
      page: range(10, 80, 10),
      continueCursor: first.continueCursor,
      pageStatus: "SplitRecommended",
    });
    expect((await page({ numItems: 8, cursor: null, endCursor: first.continueCursor })).pageStatus).toBeNull();
    await http.mutation(api.entries.remove, { n: 80 });
    try {
      // The document at the end cursor is gone; the page still ends there and more pages follow.
      const shrunk = await page({ numItems: 8, cursor: null, endCursor: first.continueCursor });
      expect(shrunk).toMatchObject({ page: range(10, 70, 10), continueCursor: first.continueCursor, isDone: false });
    } finally {
      await http.mutation(api.entries.add, { ns: [80] });
    }
  });

  it("refuses a zero read budget as Convex does", async () => {
    await expect(page({ numItems: 5, cursor: null, maximumRowsRead: 0 })).rejects.toThrow(
      "maximumRowsRead and maximumBytesRead must be greater than 0",
    );
  });
});

/** A ConvexClient that records what it sends, so a test sees the subscriptions of a page split. */
function recordingClient(): { client: ConvexClient; splitSubscriptions(): number } {
  const sent: string[] = [];
  class RecordingWebSocket extends WebSocket {
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === "string") sent.push(data);
      super.send(data);
    }
  }
  const client = new ConvexClient(server.cloudUrl, { webSocketConstructor: RecordingWebSocket, logger: false });
  // The client subscribes to each half of a split page with an explicit endCursor.
  const splitSubscriptions = () =>
    sent.filter((message) => message.includes('"type":"Add"') && message.includes('"endCursor"')).length;
  return { client, splitSubscriptions };
}

/** Subscribes like `usePaginatedQuery` and resolves `until` once a result passes `check`. */
function subscribePages(client: ConvexClient, args: Record<string, unknown>, initialNumItems: number) {
  let latest: { results: number[]; status: string } = { results: [], status: "LoadingFirstPage" };
  const waiters = new Set<() => void>();
  const subscription = client.onPaginatedUpdate_experimental(
    api.entries.page,
    args,
    { initialNumItems },
    (value: unknown) => {
      latest = value as typeof latest;
      for (const waiter of [...waiters]) waiter();
    },
  );
  const until = (check: (value: typeof latest) => boolean) =>
    new Promise<typeof latest>((resolve) => {
      const waiter = () => {
        if (!check(latest)) return;
        waiters.delete(waiter);
        resolve(latest);
      };
      waiters.add(waiter);
      waiter();
    });
  return { until, unsubscribe: () => subscription.unsubscribe() };
}

describe("a paginated subscription (ConvexClient)", () => {
  it("splits a page that grew past twice its size into two subscriptions, keeping every item in order", async () => {
    const { client, splitSubscriptions } = recordingClient();
    const grown = range(21, 29);
    try {
      const pages = subscribePages(client, {}, 3);
      expect((await pages.until((value) => value.results.length === 3)).results).toEqual([10, 20, 30]);
      // Nine inserts inside the first page's range: it grows to 12 items, past twice its 3.
      await http.mutation(api.entries.add, { ns: grown });
      await expect.poll(splitSubscriptions, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      const after = await pages.until((value) => value.results.length === 12);
      expect(after.results).toEqual([10, 20, ...grown, 30]);
      pages.unsubscribe();
    } finally {
      await client.close();
      for (const n of grown) await http.mutation(api.entries.remove, { n });
    }
  });

  it("does not split a filtered page that read more rows than it returned", async () => {
    const { client, splitSubscriptions } = recordingClient();
    try {
      const pages = subscribePages(client, { tag: "odd" }, 3);
      expect(await pages.until((value) => value.status === "Exhausted")).toMatchObject({ results: [] });
      // Give a split (which convex-test's "rows read > page size + 1" rule asked for) time to be sent.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(splitSubscriptions()).toBe(0);
      pages.unsubscribe();
    } finally {
      await client.close();
    }
  });
});
