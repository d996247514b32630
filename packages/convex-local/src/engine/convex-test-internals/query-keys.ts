/**
 * Index keys, field values, range bounds and pagination cursors, read the way
 * convex-test reads them, so sorted indexes order documents exactly as it does.
 */
import { jsonToConvex, type JSONValue, type Value } from "convex/values";
import type { InternalDatabase, InternalDocument } from "./types.ts";

/**
 * The key fields convex-test sorts an index range by (the index's fields,
 * then `_creationTime`, then `_id`), or null when the schema doesn't declare
 * the index (convex-test then throws).
 *
 * @example
 * indexKeyFields(db, "messages", "by_author"); // ["author", "_creationTime", "_id"]
 */
export function indexKeyFields(db: InternalDatabase, tableName: string, indexName: string): string[] | null {
  if (indexName === "by_creation_time") return ["_creationTime", "_id"];
  if (indexName === "by_id") return ["_id"];
  type IndexSchema = { indexDescriptor: string; fields: string[] };
  const schema = db._schema as { tables: Map<string, { indexes?: IndexSchema[] }> } | null;
  const index = schema?.tables.get(tableName)?.indexes?.find((i) => i.indexDescriptor === indexName);
  return index === undefined ? null : [...index.fields, "_creationTime", "_id"];
}

/** convex-test's `isSimpleObject`: only plain objects are descended into by field paths. */
function isSimpleObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  return prototype === null || prototype === Object.prototype || prototype.constructor?.name === "Object";
}

/**
 * Reads a dotted field path the way convex-test's `evaluateFieldPath` does
 * (a missing field or a non-object on the way gives undefined). convex-test
 * also replaces unresolved commit timestamps by int64 max; `compareValues`
 * of `convex/values` already orders them as that value, so comparisons agree.
 *
 * @example
 * fieldReader("profile.name")({ profile: { name: "ann" } }); // "ann"
 */
export function fieldReader(fieldPath: string): (doc: InternalDocument) => Value | undefined {
  const parts = fieldPath.split(".");
  return (doc) => {
    let result: unknown = doc;
    for (const part of parts) {
      result =
        result !== undefined && result !== null && typeof result === "object" && isSimpleObject(result)
          ? (result as Record<string, unknown>)[part]
          : undefined;
    }
    return result as Value | undefined;
  };
}

/**
 * A range bound's value as convex-test evaluates it (`{ $undefined: null }`
 * is undefined, the rest is Convex JSON).
 *
 * @example
 * rangeBoundValue({ $integer: "AQAAAAAAAAA=" }); // 1n
 */
export function rangeBoundValue(json: unknown): Value | undefined {
  if (typeof json === "object" && json !== null && "$undefined" in json) return undefined;
  return jsonToConvex(json as JSONValue);
}

/**
 * The key values of a `paginate` cursor other than `"_end_cursor"`: one per
 * cursor field (the sort fields, plus `_id`), undefined for a missing field.
 *
 * @example
 * decodePaginationCursor('["1700000000000","\\"0001messages\\""]'); // [1700000000000, "0001messages"]
 */
export function decodePaginationCursor(cursor: string): (Value | undefined)[] {
  const keys = JSON.parse(cursor) as unknown;
  if (!Array.isArray(keys)) throw new Error(`Not a convex-test pagination cursor: ${cursor}`);
  return keys.map((key) => (key === null ? undefined : jsonToConvex(JSON.parse(key as string) as JSONValue)));
}
