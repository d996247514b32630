/**
 * Pins where convex-test's `DatabaseFake` keeps committed documents and
 * counters, and that loaded contents behave like committed ones.
 */
import { describe, expect, test } from "vitest";
import { newInstance, root } from "../test-fixtures/convex-test-internals-app.ts";
import { loadDatabase, tableDocuments } from "./database-contents.ts";
import { functionHandle } from "./function-handle.ts";
import { tableNameFromId } from "./table-name-from-id.ts";

describe("convex-test internals convex-local relies on", () => {
  test("DatabaseFake keeps committed documents, table ids and counters in the expected fields", async () => {
    const instance = newInstance();
    const id = (await instance.t.mutation(functionHandle("", "fns:add"), { text: "a" })) as string;
    const db = root(instance);
    expect(tableNameFromId(id), "ids are `<counter><table>`").toBe("notes");
    expect(db._documents[id]).toMatchObject({ _id: id, text: "a" });
    expect(db._tableIds.get("notes")?.has(id)).toBe(true);
    expect(db._nextDocId).toBe(Number(/^\d+/.exec(id)![0]) + 1);
    expect(db._lastCreationTime).toBe(db._documents[id]!._creationTime);
    expect(db._writes, "no pending write layer outside transactions").toEqual([]);
    expect([...tableDocuments(db, "notes")].map((doc) => doc._id)).toEqual([id]);
  });

  test("loaded documents are visible and new ids don't collide", async () => {
    const instance = newInstance();
    const doc = { _id: "000000000000000000010041notes", _creationTime: 1000, text: "old" };
    loadDatabase(root(instance), {
      documents: [{ tableName: "notes", document: doc }],
      files: [],
      nextDocId: 10005,
      lastCreationTime: 1000,
    });
    expect(await instance.t.query(functionHandle("", "fns:list"), {})).toEqual([doc]);
    const id = (await instance.t.mutation(functionHandle("", "fns:add"), { text: "new" })) as string;
    expect(Number(/^\d+/.exec(id)![0]), "the counter continues after the highest loaded id").toBe(10042);
  });
});
