/**
 * Turns a query's source into a key range of one sorted index.
 *
 * `withIndex` ranges are a chain of `.eq` on the leading index fields, then
 * at most one lower (`.gt`/`.gte`) and one upper (`.lt`/`.lte`) bound on the
 * next field. convex-test keeps a document when every expression holds for
 * it; because the index key is compared field by field, those documents are
 * exactly one contiguous run of the sorted index, from the lower key prefix
 * to the upper one. A full table scan is the whole `by_creation_time` index.
 */
import {
  indexKeyFields,
  rangeBoundValue,
  type InternalDatabase,
  type InternalQuerySource,
} from "./convex-test-internals.ts";
import type { KeyBound } from "./sorted-index.ts";

/** Where a query's documents lie: a run of one index of one table. */
export type RangePlan = {
  tableName: string;
  /** The index key (ends in `_creationTime`, `_id`, or is `_id` alone). */
  fields: string[];
  lower?: KeyBound;
  upper?: KeyBound;
  order: "asc" | "desc";
};

/** The key of `by_creation_time`, which also orders full table scans in Convex. */
export const CREATION_ORDER = ["_creationTime", "_id"];

/**
 * The index run a source reads, or null when it isn't a well-formed index
 * range of a declared index (search queries, undeclared indexes, malformed
 * chains): convex-test then answers, and throws its own error where due.
 *
 * @example
 * const ann = { type: "Eq", fieldPath: "author", value: "ann" } as const;
 * planRange(db, { type: "IndexRange", indexName: "messages.by_author", range: [ann] });
 * // { tableName: "messages", fields: ["author", "_creationTime", "_id"], order: "asc",
 * //   lower: { values: ["ann"], inclusive: true }, upper: { values: ["ann"], inclusive: true } }
 */
export function planRange(db: InternalDatabase, source: InternalQuerySource): RangePlan | null {
  if (source.type === "FullTableScan") {
    // convex-test sorts a scan by `_creationTime` alone; creation times are
    // unique per database (it bumps equal ones by 1 µs), so adding `_id`
    // changes nothing and makes the order the index's.
    return { tableName: source.tableName, fields: CREATION_ORDER, order: source.order ?? "asc" };
  }
  if (source.type !== "IndexRange") return null;
  const dot = source.indexName.indexOf(".");
  if (dot < 0) return null;
  const tableName = source.indexName.slice(0, dot);
  const fields = indexKeyFields(db, tableName, source.indexName.slice(dot + 1));
  if (fields === null) return null;
  const order = source.order ?? "asc";
  const equal: KeyBound["values"] = [];
  let position = 0;
  for (; position < source.range.length && source.range[position]!.type === "Eq"; position++) {
    const expression = source.range[position]!;
    if (expression.fieldPath !== fields[equal.length]) return null;
    equal.push(rangeBoundValue(expression.value));
  }
  let lower: KeyBound | undefined;
  let upper: KeyBound | undefined;
  for (const expression of source.range.slice(position)) {
    if (expression.fieldPath !== fields[equal.length]) return null;
    const bound = {
      values: [...equal, rangeBoundValue(expression.value)],
      inclusive: expression.type === "Gte" || expression.type === "Lte",
    };
    if ((expression.type === "Gt" || expression.type === "Gte") && lower === undefined) lower = bound;
    else if ((expression.type === "Lt" || expression.type === "Lte") && upper === undefined) upper = bound;
    else return null;
  }
  // Only `.eq`s so far bound the other side: the run of their common prefix.
  const prefix = { values: equal, inclusive: true };
  return { tableName, fields, lower: lower ?? prefix, upper: upper ?? prefix, order };
}
