import { describe, expect, it } from "vitest";
import type { AdminData } from "../engine/admin-data.ts";
import { tableDataPage, tablesPage, type Page } from "./table-pages.ts";

type Doc = { _id: string; _creationTime: number; n: number };

/** Only the reads the pages use; the rest is not reached. */
function dataWith(documents: Doc[], tableNames: string[]): AdminData {
  return {
    tableNames: () => tableNames,
    documents: () => documents.map((d) => ({ ...d })),
  } as unknown as AdminData;
}

/** Walks every page the way the CLI's `runSystemPaginatedQuery` does. */
function walk(read: (cursor: string | null) => Page): unknown[][] {
  const pages: unknown[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page = read(cursor);
    pages.push(page.page);
    if (page.isDone) return pages;
    cursor = page.continueCursor;
  }
  throw new Error("pagination never finished");
}

describe("table pages", () => {
  // Two documents share a creation time: the id breaks the tie, so none is skipped or repeated.
  const documents: Doc[] = [
    { _id: "3t", _creationTime: 20, n: 3 },
    { _id: "1t", _creationTime: 10, n: 1 },
    { _id: "2t", _creationTime: 20, n: 2 },
    { _id: "4t", _creationTime: 30, n: 4 },
  ];
  const data = dataWith(documents, ["_storage", "b", "a", "c"].sort());

  it("walks a table by creation time in both orders, numItems at a time", () => {
    const numbers = (order: "asc" | "desc") =>
      walk((cursor) => tableDataPage(data, "", { table: "t", order, paginationOpts: { numItems: 3, cursor } })).map(
        (page) => page.map((d) => (d as Doc).n),
      );
    expect(numbers("asc")).toEqual([[1, 2, 3], [4]]);
    expect(numbers("desc")).toEqual([[4, 3, 2], [1]]);
  });

  it("answers one done page when everything fits", () => {
    const page = tableDataPage(data, "", { table: "t", order: "asc", paginationOpts: { numItems: 10, cursor: null } });
    expect(page.isDone).toBe(true);
    expect(page.page).toHaveLength(4);
  });

  it("lists user tables only, by name", () => {
    expect(walk((cursor) => tablesPage(data, "", { paginationOpts: { numItems: 2, cursor } }))).toEqual([
      [{ name: "a" }, { name: "b" }],
      [{ name: "c" }],
    ]);
  });

  it("rejects malformed arguments with a message", () => {
    expect(() =>
      tableDataPage(data, "", { table: "t", order: "up", paginationOpts: { numItems: 1, cursor: null } }),
    ).toThrow(/order/);
    expect(() => tablesPage(data, "", {})).toThrow(/paginationOpts/);
  });
});
