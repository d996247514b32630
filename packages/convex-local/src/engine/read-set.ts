/**
 * Read sets and write sets for the sync layer's invalidation.
 *
 * Granularity:
 * - `db.get` reads one document id;
 * - a stream or page over an index range with scalar bounds reads that range:
 *   a write touches it when the document before or after the write lies in it;
 * - full table scans, search queries, counts, ranges with non-scalar bounds
 *   (bigint, bytes, arrays, objects) and storage reads read the whole table.
 * Filters and limits are ignored (a superset of the real read set, so a query
 * may re-run without its result changing, never the other way round).
 * Every key carries the component path: each component has its own tables and ids.
 */
import { documentInRange, type RangeBound } from "./read-set-range.ts";

/** One document a committed transaction wrote (inserted, changed or deleted). */
export type CommitWrite = {
  componentPath: string;
  tableName: string;
  id: string;
  /** The document before the write (null: inserted); undefined when unknown. */
  before?: Record<string, unknown> | null;
  /** The document after the write (null: deleted); undefined when unknown. */
  after?: Record<string, unknown> | null;
};

/** What one query run read. */
export type ReadSet = {
  /** `componentPath\0tableName` of every table the run scanned (streams, pages, counts). */
  tables: Set<string>;
  /** `componentPath\0documentId` of every document the run fetched by id. */
  documents: Set<string>;
  /** Index ranges the run read, by `componentPath\0tableName` (tables in `tables` need none). */
  ranges: Map<string, RangeBound[][]>;
};

/**
 * The key of a table or document id inside one component.
 *
 * @example
 * readSetKey("", "messages"); // "\u0000messages"
 */
export function readSetKey(componentPath: string, name: string): string {
  return `${componentPath}\u0000${name}`;
}

/**
 * An empty read set.
 *
 * @example
 * const readSet = emptyReadSet();
 * readSet.tables.add(readSetKey("", "messages"));
 */
export function emptyReadSet(): ReadSet {
  return { tables: new Set(), documents: new Set(), ranges: new Map() };
}

/**
 * Whether any write could change what a run with `readSet` returned.
 *
 * @example
 * readSetOverlaps(readSet, [{ componentPath: "", tableName: "notes", id: "1;notes" }]); // false for a messages-only query
 */
export function readSetOverlaps(readSet: ReadSet, writes: readonly CommitWrite[]): boolean {
  for (const write of writes) {
    const table = readSetKey(write.componentPath, write.tableName);
    if (readSet.tables.has(table)) return true;
    if (readSet.documents.has(readSetKey(write.componentPath, write.id))) return true;
    const ranges = readSet.ranges.get(table);
    if (ranges === undefined) continue;
    if (write.before === undefined && write.after === undefined) return true;
    for (const bounds of ranges) {
      if (write.before && documentInRange(write.before, bounds)) return true;
      if (write.after && documentInRange(write.after, bounds)) return true;
    }
  }
  return false;
}
