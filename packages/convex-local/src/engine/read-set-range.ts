/**
 * Index ranges as read-set entries: a query over
 * `withIndex("by_author", q => q.eq("author", "ann"))` depends only on
 * documents whose `author` is "ann" before or after a write. Only ranges
 * whose bounds are plain JSON scalars (strings, numbers, booleans, null)
 * are kept; anything else makes the caller fall back to the whole table.
 */

/** One bound of a serialized index range (`1.0/queryStream` / `1.0/queryPage` sources). */
export type RangeBound = {
  type: "Eq" | "Gt" | "Gte" | "Lt" | "Lte";
  fieldPath: string;
  value: string | number | boolean | null;
};

/** A serialized `IndexRange` query source, narrowed to what {@link documentInRange} can evaluate. */
export type IndexRangeRead = { tableName: string; bounds: RangeBound[] };

const BOUND_TYPES = new Set(["Eq", "Gt", "Gte", "Lt", "Lte"]);

/**
 * The index range a query source reads, or null when it is not an index
 * range we can evaluate exactly (full scans, search, non-scalar bounds).
 *
 * @example
 * indexRangeRead({ type: "IndexRange", indexName: "messages.by_author", range: [{ type: "Eq", fieldPath: "author", value: "ann" }], order: "asc" });
 * // { tableName: "messages", bounds: [{ type: "Eq", fieldPath: "author", value: "ann" }] }
 */
export function indexRangeRead(source: unknown): IndexRangeRead | null {
  const { type, indexName, range } = (source ?? {}) as { type?: unknown; indexName?: unknown; range?: unknown };
  if (type !== "IndexRange" || typeof indexName !== "string" || !Array.isArray(range)) return null;
  const tableName = indexName.split(".")[0];
  if (!tableName) return null;
  const bounds: RangeBound[] = [];
  for (const bound of range as { type?: unknown; fieldPath?: unknown; value?: unknown }[]) {
    const { value } = bound;
    const scalar =
      value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean";
    if (!BOUND_TYPES.has(bound.type as string) || typeof bound.fieldPath !== "string" || !scalar) return null;
    bounds.push({ type: bound.type as RangeBound["type"], fieldPath: bound.fieldPath, value });
  }
  return { tableName, bounds };
}

/** Convex's order across types; null for types this module doesn't compare (bytes, arrays, objects). */
function typeRank(value: unknown): number | null {
  if (value === undefined) return 0;
  if (value === null) return 1;
  switch (typeof value) {
    case "bigint":
      return 2;
    case "number":
      return 3;
    case "boolean":
      return 4;
    case "string":
      return 5;
    default:
      return null;
  }
}

/** Convex value order for scalars; null when unknown (the caller then assumes "in range"). */
function compareValues(a: unknown, b: unknown): number | null {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA === null || rankB === null) return null;
  if (rankA !== rankB) return rankA - rankB;
  // Strings order by their UTF-8 bytes in Convex, not by UTF-16 code units.
  if (typeof a === "string") return Buffer.compare(Buffer.from(a), Buffer.from(b as string));
  if (a === b) return 0;
  return (a as number) < (b as number) ? -1 : 1;
}

function fieldValue(document: Record<string, unknown>, fieldPath: string): unknown {
  let value: unknown = document;
  for (const part of fieldPath.split(".")) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Whether `document` lies in the range; true when it can't tell.
 *
 * @example
 * documentInRange({ author: "ann" }, [{ type: "Eq", fieldPath: "author", value: "bob" }]); // false
 */
export function documentInRange(document: Record<string, unknown>, bounds: readonly RangeBound[]): boolean {
  for (const bound of bounds) {
    const cmp = compareValues(fieldValue(document, bound.fieldPath), bound.value);
    if (cmp === null) continue;
    const inside =
      bound.type === "Eq"
        ? cmp === 0
        : bound.type === "Gt"
          ? cmp > 0
          : bound.type === "Gte"
            ? cmp >= 0
            : bound.type === "Lt"
              ? cmp < 0
              : cmp <= 0;
    if (!inside) return false;
  }
  return true;
}
