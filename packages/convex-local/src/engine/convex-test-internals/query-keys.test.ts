/**
 * Pins how convex-test reads index keys, field paths, range bounds and
 * pagination cursors, which the sorted indexes must match.
 */
import { convexToJson } from "convex/values";
import { describe, expect, test } from "vitest";
import { indexed, modules, root, rootFunctions } from "../test-fixtures/convex-test-internals-app.ts";
import { createTestInstance } from "./create-test-instance.ts";
import { decodePaginationCursor, fieldReader, indexKeyFields, rangeBoundValue } from "./query-keys.ts";

describe("convex-test internals convex-local relies on", () => {
  describe("query resolution hooks (index-accelerator.ts)", () => {
    test("index keys, field paths, range values and cursors as convex-test reads them", () => {
      const db = root(createTestInstance(indexed, modules(rootFunctions)));
      expect(indexKeyFields(db, "notes", "by_text")).toEqual(["text", "_creationTime", "_id"]);
      expect(indexKeyFields(db, "notes", "by_creation_time")).toEqual(["_creationTime", "_id"]);
      expect(indexKeyFields(db, "notes", "by_id")).toEqual(["_id"]);
      expect(indexKeyFields(db, "notes", "missing")).toBeNull();
      const doc = { _id: "1notes", _creationTime: 1, o: { x: 1, arr: [{ x: 2 }] }, s: "str", nil: null };
      expect(fieldReader("o.x")(doc)).toBe(1);
      expect(fieldReader("o.arr.x")(doc), "arrays are not descended into").toBeUndefined();
      expect(fieldReader("s.length")(doc)).toBeUndefined();
      expect(fieldReader("nil.x")(doc)).toBeUndefined();
      expect(fieldReader("o")({ ...doc, o: Object.create(null) })).toEqual({});
      expect(rangeBoundValue({ $undefined: null })).toBeUndefined();
      expect(rangeBoundValue(convexToJson(5n))).toBe(5n);
      expect(decodePaginationCursor(JSON.stringify([null, JSON.stringify(convexToJson(2n))]))).toEqual([undefined, 2n]);
    });
  });
});
