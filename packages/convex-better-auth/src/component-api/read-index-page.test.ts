/**
 * Regression: the component paged with `.paginate()`, which Convex refuses
 * inside components (`PaginationUnsupportedInComponents`: "paginate() is
 * only supported in the app."). Pages are now walked with index range reads
 * resuming after the last row's index key; every row comes exactly once, in
 * order, across pages of any size, ranges and directions, including ties and
 * rows without the indexed field.
 */
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { beforeAll, describe, expect, test } from "vitest";
import schema from "../component/schema.js";
import { isConvexBetterAuthError } from "../shared/errors.js";

const modules = {
  "/component/_generated/api.js": async () => ({}),
  "/component/adapter.js": () => import("../component/adapter.js"),
};
const adapter = anyApi.adapter!;
type Row = { _id: string; _creationTime: number; identifier: string; value: string; createdAt: number };

describe("findMany pages without .paginate()", () => {
  const t = convexTest(schema, modules);
  let all: Row[] = [];

  beforeAll(async () => {
    await t.run(async (ctx) => {
      for (let i = 0; i < 60; i++) {
        // createdAt repeats (ties broken by creation order); "b" rows interleave.
        await ctx.db.insert("verification", {
          identifier: i % 3 === 0 ? "b" : "a",
          value: `v${i}`,
          expiresAt: 1_000 + i,
          createdAt: i % 10,
          updatedAt: 0,
        });
      }
    });
    all = (await t.run((ctx) => ctx.db.query("verification").collect())) as unknown as Row[];
  });

  async function pages(where: unknown[], sortBy: unknown, numItems: number) {
    const rows: Row[] = [];
    let cursor: string | null = null;
    for (let calls = 0; calls < 100; calls++) {
      const page = (await t.query(adapter.findMany!, {
        model: "verification",
        where,
        ...(sortBy ? { sortBy } : {}),
        paginationOpts: { cursor, numItems },
      })) as { page: Row[]; isDone: boolean; continueCursor: string };
      expect(page.page.length).toBeLessThanOrEqual(numItems);
      rows.push(...page.page);
      if (page.isDone) return rows.map((row) => row.value);
      cursor = page.continueCursor;
    }
    throw new Error("paging did not finish");
  }

  const expected = (keep: (row: Row) => boolean, direction: "asc" | "desc") => {
    const rows = all
      .filter(keep)
      .sort((x, y) => x.createdAt - y.createdAt || x._creationTime - y._creationTime)
      .map((row) => row.value);
    return direction === "asc" ? rows : rows.reverse();
  };

  for (const direction of ["asc", "desc"] as const) {
    for (const numItems of [1, 7, 40, 100]) {
      test(`identifier eq + createdAt range, ${direction}, ${numItems} per page`, async () => {
        const where = [
          { field: "identifier", value: "a" },
          { field: "createdAt", operator: "gte", value: 3 },
          { field: "createdAt", operator: "lt", value: 8 },
        ];
        expect(await pages(where, { field: "createdAt", direction }, numItems)).toEqual(
          expected((row) => row.identifier === "a" && row.createdAt >= 3 && row.createdAt < 8, direction),
        );
      });
    }
    test(`identifier eq only, ${direction}, exclusive bounds`, async () => {
      const where = [
        { field: "identifier", value: "b" },
        { field: "createdAt", operator: "gt", value: 2 },
        { field: "createdAt", operator: "lte", value: 6 },
      ];
      expect(await pages(where, { field: "createdAt", direction }, 4)).toEqual(
        expected((row) => row.identifier === "b" && row.createdAt > 2 && row.createdAt <= 6, direction),
      );
    });
  }

  test("the whole table in creation order, 9 per page", async () => {
    const rows = await pages([], undefined, 9);
    expect(rows).toEqual([...all].sort((x, y) => x._creationTime - y._creationTime).map((row) => row.value));
  });

  test("a malformed cursor is a coded INVALID_ARGUMENT", async () => {
    const error = await t
      .query(adapter.findMany!, {
        model: "verification",
        where: [{ field: "identifier", value: "a" }],
        sortBy: { field: "createdAt", direction: "asc" },
        paginationOpts: { cursor: "key:not json", numItems: 5 },
      })
      .catch((e: unknown) => e);
    expect(isConvexBetterAuthError(error, "INVALID_ARGUMENT")).toBe(true);
  });
});
