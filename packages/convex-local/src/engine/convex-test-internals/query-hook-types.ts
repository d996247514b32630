/**
 * The serialized queries and hook signatures of {@link hookDatabaseQueries}.
 *
 * Query resolution, for the sorted indexes of `index-accelerator.ts`:
 * convex-test answers every query source by visiting every document of the
 * table; these hooks let convex-local answer from sorted indexes instead,
 * while convex-test keeps validating ranges, applying filters and limits,
 * paging and counting reads.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- named by the {@link}s in this file's TSDoc
import type { hookDatabaseQueries } from "./hook-database-queries.ts";
import type { InternalDatabase, InternalDocument } from "./types.ts";

/** One bound of an index range (`q.eq/gt/gte/lt/lte`) in a serialized query; `value` is Convex JSON. */
export type InternalRangeExpression = { type: "Eq" | "Gt" | "Gte" | "Lt" | "Lte"; fieldPath: string; value: unknown };

/** The source of a serialized query, as `1.0/queryStream` and `1.0/queryPage` hand it to convex-test. */
export type InternalQuerySource =
  | { type: "FullTableScan"; tableName: string; order?: "asc" | "desc" | null }
  | { type: "IndexRange"; indexName: string; range: InternalRangeExpression[]; order?: "asc" | "desc" | null }
  | { type: "Search"; indexName: string; [key: string]: unknown };

/** A serialized query: its source plus `.filter()` / `.take()` operators. */
export type InternalQuery = { source: InternalQuerySource; operators: Record<string, unknown>[] };

/**
 * What `DatabaseFake._resolveQuerySource` returns: the documents the source
 * yields, in query order, before the query's filters and limit. convex-test
 * only reads `sortedDocs.length` and `sortedDocs[i]`, so any array-like works.
 */
export type ResolvedQuerySource = {
  sortedDocs: InternalDocument[];
  filterFn: (doc: InternalDocument) => boolean;
  limit: number | null;
  fieldPathsToSortBy: string[];
  order: "asc" | "desc";
};

/** The arguments of `DatabaseFake.paginate` (the `1.0/queryPage` syscall's). */
export type InternalPaginateArgs = {
  query: InternalQuery;
  cursor: string | null;
  endCursor?: string | null;
  pageSize: number;
  maximumRowsRead?: number;
  maximumBytesRead?: number;
};

/** A document one top-level commit wrote: its committed version before and after (null: absent). */
export type CommittedChange = {
  id: string;
  tableName: string;
  before: InternalDocument | null;
  after: InternalDocument | null;
};

/** convex-test's own answers for one query, for hooks that answer part of it themselves. */
export type StockResolution = {
  /** convex-test's full answer (visits every document of the table). */
  all(): ResolvedQuerySource;
  /**
   * convex-test's answer over the transaction's pending writes only: the
   * latest pending version of each written document that the source yields,
   * in query order. Validates the range (and throws) exactly like `all()`.
   */
  pendingOnly(): ResolvedQuerySource;
};

/** What {@link hookDatabaseQueries} calls. Every call is synchronous, inside convex-test. */
export type DatabaseQueryHooks = {
  /** Answers `_resolveQuerySource` (streams, pages and counts all go through it). */
  resolveQuerySource(db: InternalDatabase, query: InternalQuery, stock: StockResolution): ResolvedQuerySource;
  /** Wraps `paginate`; `stock()` runs convex-test's, which calls `resolveQuerySource` once. */
  paginate(db: InternalDatabase, args: InternalPaginateArgs, stock: () => unknown): unknown;
  /** After a top-level commit moved pending writes into the committed documents. */
  committed(db: InternalDatabase, changes: CommittedChange[]): void;
  /** The database's documents or schema were replaced without a commit (load, clear, schema push). */
  reset(db: InternalDatabase): void;
};
