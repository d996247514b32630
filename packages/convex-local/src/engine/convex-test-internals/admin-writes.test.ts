/**
 * Pins the `DatabaseFake` members the snapshot import writes through
 * (`_generateId`, `_addWrite`, `storeFile`), and that such writes commit
 * with the transaction they were staged in, in any component.
 */
import { describe, expect, test } from "vitest";
import { newInstance, root } from "../test-fixtures/convex-test-internals-app.ts";
import { newDocumentId, nextCreationTime, stageDeletion, stageDocument, stageFile } from "./admin-writes.ts";
import { functionHandle } from "./function-handle.ts";
import { tableNameFromId } from "./table-name-from-id.ts";

describe("convex-test internals the snapshot import relies on", () => {
  test("staged documents keep their id and creation time, and commit with the transaction", async () => {
    const instance = newInstance();
    const restored = { _id: "000000000000000000010500notes", _creationTime: 1234.5, text: "restored" };
    await instance.t.runInComponent("", async () => {
      const db = root(instance);
      const fresh = newDocumentId(db, "notes");
      expect(tableNameFromId(fresh)).toBe("notes");
      stageDocument(db, restored);
      stageDocument(db, { _id: fresh, _creationTime: nextCreationTime(db), text: "fresh" });
      stageDocument(instance.global.components.comp!.db, {
        _id: "000000000000000000010007items",
        _creationTime: 1,
        n: 7,
      });
    });
    const notes = (await instance.t.query(functionHandle("", "fns:list"), {})) as { text: string }[];
    expect(notes.map((n) => n.text).sort()).toEqual(["fresh", "restored"]);
    expect(notes).toContainEqual(restored);
    expect(await instance.t.query(functionHandle("", "fns:countInComponent"), {})).toBe(1);
    const id = (await instance.t.mutation(functionHandle("", "fns:add"), { text: "later" })) as string;
    expect(Number(/^\d+/.exec(id)![0]), "inserts continue after the restored id").toBe(10501);
  });

  test("a staged file is readable once its `_storage` document commits; a deletion takes both", async () => {
    const instance = newInstance();
    const storageId = "000000000000000000010600_storage";
    await instance.t.runInComponent("", async () => {
      const db = root(instance);
      stageDocument(db, { _id: storageId, _creationTime: 1, sha256: "x", size: 2 });
      stageFile(db, storageId, new Blob(["hi"]));
    });
    expect(await root(instance)._storage[storageId]?.text()).toBe("hi");
    await instance.t.runInComponent("", async () => {
      stageDeletion(root(instance), storageId);
    });
    expect(root(instance)._documents[storageId]).toBeUndefined();
    expect(root(instance)._storage[storageId]).toBeUndefined();
  });

  test("staged writes roll back with a transaction that throws", async () => {
    const instance = newInstance();
    await expect(
      instance.t.runInComponent("", async () => {
        stageDocument(root(instance), { _id: "000000000000000000010700notes", _creationTime: 1, text: "never" });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await instance.t.query(functionHandle("", "fns:list"), {})).toEqual([]);
  });

  test("writes outside a transaction are refused", () => {
    const instance = newInstance();
    expect(() =>
      stageDocument(root(instance), { _id: "000000000000000000010800notes", _creationTime: 1, text: "x" }),
    ).toThrow(/open transaction/);
  });
});
