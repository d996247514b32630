/**
 * Pins what the query resolution hooks see of convex-test's queries, pages,
 * commits and resets (`index-accelerator.ts` builds on them).
 */
import { afterEach, describe, expect, test } from "vitest";
import {
  componentFunctions,
  componentSchema,
  indexed,
  modules,
  root,
  rootFunctions,
  type Ctx,
} from "../test-fixtures/convex-test-internals-app.ts";
import { createTestInstance } from "./create-test-instance.ts";
import { clearDatabase, loadDatabase } from "./database-contents.ts";
import { functionHandle } from "./function-handle.ts";
import { hookDatabaseQueries } from "./hook-database-queries.ts";
import { adoptDatabase } from "./instance-handover.ts";
import { committedDocument, pendingWriteIds } from "./pending-writes.ts";
import type { CommittedChange, DatabaseQueryHooks } from "./query-hook-types.ts";
import { decodePaginationCursor } from "./query-keys.ts";
import type { InternalDocument } from "./types.ts";

describe("convex-test internals convex-local relies on", () => {
  describe("query resolution hooks (index-accelerator.ts)", () => {
    afterEach(() => hookDatabaseQueries(null));
    type Runner = { run<T>(handler: (ctx: Ctx) => Promise<T>): Promise<T> };
    const byText = (ctx: Ctx) => ctx.db.query("notes").withIndex("by_text", (q) => q.gte("text", "b"));

    test("resolveQuerySource sees each query with convex-test's full and pending-only answers", async () => {
      const instance = createTestInstance(indexed, modules(rootFunctions));
      const t = instance.t as unknown as Runner;
      await t.run(async (ctx) => {
        for (const text of ["a", "c", "b"]) await ctx.db.insert("notes", { text });
      });
      const seen: unknown[] = [];
      hookDatabaseQueries({
        resolveQuerySource(db, query, stock) {
          const all = stock.all();
          const pending = stock.pendingOnly();
          seen.push({
            source: query.source,
            all: Array.from(all.sortedDocs, (doc) => doc.text),
            pending: Array.from(pending.sortedDocs, (doc) => doc.text),
            sortBy: pending.fieldPathsToSortBy,
            order: pending.order,
            limit: pending.limit,
            written: pendingWriteIds(db, "notes").map((id) => committedDocument(db, id)?.text ?? "new"),
          });
          return all;
        },
        paginate: (_db, args, stock) => {
          seen.push({ paginate: args.cursor, pageSize: args.pageSize });
          return stock();
        },
        committed() {},
        reset() {},
      });
      const texts = await t.run(async (ctx) => {
        const first = await ctx.db
          .query("notes")
          .withIndex("by_text", (q) => q.gte("text", "b"))
          .first();
        await ctx.db.patch(first!._id as never, { text: "bb" });
        await ctx.db.insert("notes", { text: "d" });
        const page = await byText(ctx).order("desc").take(3);
        return page.map((doc) => doc.text);
      });
      expect(texts).toEqual(["d", "c", "bb"]);
      expect(seen).toEqual([
        {
          source: {
            type: "IndexRange",
            indexName: "notes.by_text",
            range: [{ type: "Gte", fieldPath: "text", value: "b" }],
            order: null,
          },
          all: ["b", "c"],
          pending: [],
          sortBy: ["text", "_creationTime", "_id"],
          order: "asc",
          limit: 1,
          written: [],
        },
        {
          source: expect.objectContaining({ order: "desc" }),
          all: ["d", "c", "bb"],
          pending: ["d", "bb"],
          sortBy: ["text", "_creationTime", "_id"],
          order: "desc",
          limit: 3,
          written: ["b", "new"],
        },
      ]);
      seen.length = 0;
      const page = await t.run(async (ctx) => await byText(ctx).paginate({ cursor: null, numItems: 1 }));
      expect(seen).toEqual([{ paginate: null, pageSize: 1 }, expect.objectContaining({ all: ["bb", "c", "d"] })]);
      const cursorKeys = decodePaginationCursor(page.continueCursor);
      expect(cursorKeys, "a cursor holds the sort key of the page's last document").toEqual([
        "bb",
        page.page[0]!._creationTime,
        page.page[0]!._id,
      ]);
    });

    test("committed sees each top-level commit once, with versions before and after; reset sees loads, clears and pushes", async () => {
      const instance = createTestInstance(indexed, modules(rootFunctions));
      instance.registerComponent("comp", componentSchema, modules(componentFunctions));
      const t = instance.t as unknown as Runner;
      const events: (CommittedChange[] | string)[] = [];
      const names = new Map([
        [root(instance), "root"],
        [instance.global.components.comp!.db, "comp"],
      ]);
      const hooks: DatabaseQueryHooks = {
        resolveQuerySource: (_db, _query, stock) => stock.all(),
        paginate: (_db, _args, stock) => stock(),
        committed: (db, changes) => events.push(changes.map((c) => ({ ...c, id: names.get(db)! }))),
        reset: (db) => events.push(`reset ${names.get(db)}`),
      };
      hookDatabaseQueries(hooks);
      const id = (await instance.t.mutation(functionHandle("", "fns:add"), { text: "x" })) as string;
      await t.run(async (ctx) => void (await ctx.db.patch(id as never, { text: "y" })));
      await expect(instance.t.mutation(functionHandle("", "fns:failAfterWrite"), {})).rejects.toThrow("rolled back");
      await instance.t.mutation(functionHandle("", "fns:addEverywhere"), {});
      const version = (doc: InternalDocument | null) => doc?.text ?? doc?.n ?? "-";
      const text = (changes: CommittedChange[] | string) =>
        typeof changes === "string"
          ? changes
          : changes.map((c) => `${c.id} ${c.tableName} ${version(c.before)}→${version(c.after)}`);
      expect(events.map(text), "no commit for the failed mutation; the nested one is in the top-level commit").toEqual([
        ["root notes -→x"],
        [],
        ["root notes x→y"],
        [],
        ["root notes -→root"],
        ["comp items -→1"],
      ]);
      events.length = 0;
      loadDatabase(root(instance), { documents: [], files: [], nextDocId: 0, lastCreationTime: 0 });
      clearDatabase(root(instance));
      const next = createTestInstance(indexed, modules(rootFunctions));
      adoptDatabase(next.global, "", root(instance));
      expect(events).toEqual(["reset root", "reset root", "reset root"]);
    });
  });
});
