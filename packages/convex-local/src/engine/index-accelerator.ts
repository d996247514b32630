/**
 * Real indexes for convex-test's databases.
 *
 * Why: convex-test 0.0.70 has none. Every `withIndex` range, full scan and
 * `paginate` page is answered by visiting every document of the table, then
 * filtering and sorting, so each indexed read costs O(table) (about 150 ms
 * per lookup at 100,000 documents) and paging through a table costs O(n²).
 *
 * What: per database, per table and per index key, the committed documents
 * sorted by that key ({@link SortedIndex}), built on a table's first read
 * and kept current at every top-level commit. A range is two binary
 * searches and a lazy view (O(log n + k)); a `paginate` cursor is found by
 * binary search. Writes pending in the running transaction are answered by
 * convex-test's own code and merged into the view, so a mutation reads its
 * own writes; a mutation that throws never commits, so its writes never
 * reach the indexes.
 *
 * What it leaves alone: which documents a query returns and in which order,
 * range validation and its errors, `.filter()`, `.take()` and read metrics
 * (convex-test computes those from the documents handed to it), page limits
 * and splits (`paginate-page.ts`, from the same documents), search queries,
 * and the syscalls read-set tracking watches. Only how long answering takes
 * changes (and `paginate` is refused outside the app, as on Convex:
 * `component-pagination.ts`). {@link setIndexVerification} re-answers every
 * query the stock way and throws on any difference.
 */
import { compareKeyValues, SortedIndex, type ExamineMeter } from "./sorted-index.ts";
import {
  committedDocument,
  decodePaginationCursor,
  fieldReader,
  hookDatabaseQueries,
  pendingWriteIds,
  tableDocuments,
  type CommittedChange,
  type InternalDatabase,
  type InternalDocument,
  type InternalPaginateArgs,
  type InternalQuery,
  type ResolvedQuerySource,
  type StockResolution,
} from "./convex-test-internals.ts";
import { planRange, type RangePlan } from "./index-range-plan.ts";
import {
  asArray,
  dropFirst,
  firstPassing,
  indexRun,
  reversed,
  withPendingWrites,
  type DocumentSequence,
} from "./index-range-view.ts";
import { stagedIndexError } from "./staged-indexes.ts";
import { refusePaginationInComponents } from "./component-pagination.ts";
import { paginatePage } from "./paginate-page.ts";
import { paginateSearch, resolveSearch } from "./text-search.ts";

/** How queries were answered since the process started. */
export type IndexAcceleratorStats = {
  /** Query sources answered from sorted indexes. */
  accelerated: number;
  /** Query sources left to convex-test (search queries, undeclared indexes, malformed ranges). */
  stock: number;
  /**
   * Queries using `.filter()`: convex-test counts only the documents such a
   * filter keeps as read, while Convex bills every document the range
   * scanned, so read counts of these queries are low.
   */
  withDatabaseFilter: number;
  /** Index entries read: binary-search probes, documents handed to convex-test, documents sorted into new indexes. */
  documentsExamined: number;
  /** Sorted indexes built (on a table's first read, and again after a reset or a mismatch). */
  indexesBuilt: number;
};

/** Sorted indexes of one database: table → index key (JSON of its fields) → index. */
type DatabaseIndexes = Map<string, Map<string, SortedIndex>>;

const indexesByDatabase = new WeakMap<InternalDatabase, DatabaseIndexes>();
/** The cursor of the `paginate` call running on a database, for the source it resolves. */
const seekCursors = new WeakMap<InternalDatabase, string>();
const stats: IndexAcceleratorStats = {
  accelerated: 0,
  stock: 0,
  withDatabaseFilter: 0,
  documentsExamined: 0,
  indexesBuilt: 0,
};
/** The sorted indexes and views count what they read straight into the stats. */
const meter: ExamineMeter = stats;
let verify = false;
/** Set while verification pages a second time, so the source resolves the stock way too. */
let bypass = false;
let installed = false;

/**
 * Answers every convex-test database's queries from sorted indexes, in this
 * process, from now on. Idempotent.
 *
 * @example
 * installIndexAccelerator();
 * const t = convexTest(schema, modules); // its index reads are now O(log n + k)
 */
export function installIndexAccelerator(): void {
  if (installed) return;
  hookDatabaseQueries({ resolveQuerySource, paginate, committed, reset: (db) => indexesByDatabase.delete(db) });
  installed = true;
}

/**
 * A copy of the counters.
 *
 * @example
 * const before = indexAcceleratorStats().documentsExamined;
 */
export function indexAcceleratorStats(): IndexAcceleratorStats {
  return { ...stats };
}

/**
 * With `on`, every accelerated query source and cursor seek is answered a
 * second time by stock convex-test and any difference throws (slow: O(table)
 * per read again). For tests and benchmark sanity passes.
 *
 * @example
 * setIndexVerification(true);
 */
export function setIndexVerification(on: boolean): void {
  verify = on;
}

function sortedIndex(db: InternalDatabase, plan: RangePlan): SortedIndex {
  let tables = indexesByDatabase.get(db);
  if (tables === undefined) indexesByDatabase.set(db, (tables = new Map()));
  let indexes = tables.get(plan.tableName);
  if (indexes === undefined) tables.set(plan.tableName, (indexes = new Map()));
  const key = JSON.stringify(plan.fields);
  let index = indexes.get(key);
  if (index === undefined) {
    index = new SortedIndex(plan.fields, tableDocuments(db, plan.tableName), meter);
    indexes.set(key, index);
    stats.indexesBuilt += 1;
  }
  return index;
}

/** The run of `index` the plan covers, as the running transaction sees it; null if the index is stale. */
function visibleRun(
  db: InternalDatabase,
  index: SortedIndex,
  plan: RangePlan,
  pending: ResolvedQuerySource,
): DocumentSequence | null {
  const start = index.lowerPosition(plan.lower);
  const end = Math.max(start, index.upperPosition(plan.upper));
  const written = pendingWriteIds(db, plan.tableName);
  if (written.length === 0) return indexRun(index.docs, start, end);
  // The committed versions of written documents give way to their pending
  // versions, which convex-test found (in range, not deleted) in `pending`.
  const replaced: number[] = [];
  for (const id of written) {
    const committed = committedDocument(db, id);
    if (committed === null) continue;
    const position = index.positionOf(committed);
    if (position < 0) return null;
    if (position >= start && position < end) replaced.push(position);
  }
  replaced.sort((a, b) => a - b);
  const added = Array.from(pending.sortedDocs);
  if (plan.order === "desc") added.reverse();
  return withPendingWrites(index.docs, start, end, replaced, added, (doc) => index.insertionPosition(doc));
}

/**
 * Drops the documents at or before a `paginate` cursor, as convex-test's
 * `paginate` would by visiting each of them; the sequence is in cursor
 * order, so the first document after the cursor is found by binary search.
 */
function afterCursor(sequence: DocumentSequence, cursor: string, resolved: ResolvedQuerySource): DocumentSequence {
  if (cursor === "_end_cursor") return dropFirst(sequence, sequence.length);
  let keys: ReturnType<typeof decodePaginationCursor>;
  try {
    keys = decodePaginationCursor(cursor);
  } catch {
    return sequence; // convex-test's `paginate` throws its own error for it.
  }
  const fields = resolved.fieldPathsToSortBy.includes("_id")
    ? resolved.fieldPathsToSortBy
    : [...resolved.fieldPathsToSortBy, "_id"];
  const readers = fields.map(fieldReader);
  const direction = resolved.order === "asc" ? 1 : -1;
  const isAfter = (doc: InternalDocument) => {
    for (let i = 0; i < readers.length; i++) {
      const c = compareKeyValues(readers[i]!(doc), keys[i]);
      if (c !== 0) return c * direction > 0;
    }
    return false;
  };
  return dropFirst(sequence, firstPassing(sequence, isAfter));
}

function idsOf(docs: ArrayLike<InternalDocument>): string {
  return Array.from(docs, (doc) => doc._id).join(",");
}

function resolveQuerySource(db: InternalDatabase, query: InternalQuery, stock: StockResolution): ResolvedQuerySource {
  // Every query source passes here, so staged indexes are refused here (`staged-indexes.ts`).
  const staged = stagedIndexError(db, query.source);
  if (staged !== null) throw new Error(staged);
  if (query.source.type === "Search") return resolveSearch(db, query, stock);
  if (bypass) return stock.all();
  if (query.operators?.some((operator) => "filter" in operator)) stats.withDatabaseFilter += 1;
  const plan = planRange(db, query.source);
  if (plan === null) {
    stats.stock += 1;
    return stock.all();
  }
  // convex-test's answer over the pending writes only: it validates the range
  // (throwing its own errors) and hands back the filter, limit and sort fields.
  const pending = stock.pendingOnly();
  let run = visibleRun(db, sortedIndex(db, plan), plan, pending);
  if (run === null) {
    // The index disagrees with the table (it never should): rebuild it.
    indexesByDatabase.get(db)?.delete(plan.tableName);
    run = visibleRun(db, sortedIndex(db, plan), plan, pending);
  }
  if (run === null) {
    stats.stock += 1;
    return stock.all();
  }
  stats.accelerated += 1;
  let sequence = plan.order === "desc" ? reversed(run) : run;
  if (verify) {
    const expected = idsOf(stock.all().sortedDocs);
    if (idsOf(asArray(sequence, meter)) !== expected) {
      throw new Error(`convex-local's index accelerator disagrees with convex-test on ${JSON.stringify(query.source)}`);
    }
  }
  const cursor = seekCursors.get(db);
  if (cursor !== undefined) sequence = afterCursor(sequence, cursor, pending);
  return { ...pending, sortedDocs: asArray(sequence, meter) };
}

type PageSummary = {
  page: InternalDocument[];
  isDone: boolean;
  continueCursor: string;
  splitCursor: string | null;
  pageStatus: unknown;
};

function paginate(db: InternalDatabase, args: InternalPaginateArgs): unknown {
  // Only the app may paginate, whatever the source (`component-pagination.ts`).
  refusePaginationInComponents(db);
  // Search results are in relevance order, which convex-test's `_id` cursors can't page (`text-search.ts`).
  if (args.query.source.type === "Search") return paginateSearch(db, args);
  // Pages split and stop as on Convex (`paginate-page.ts`), not as in convex-test's own page loop.
  // Without a cursor the page starts at the run's start; the lazy view makes that cheap already.
  if (bypass || typeof args.cursor !== "string") return paginatePage(db, args);
  seekCursors.set(db, args.cursor);
  let result: unknown;
  try {
    result = paginatePage(db, args);
  } finally {
    seekCursors.delete(db);
  }
  if (verify) {
    bypass = true;
    let expected: unknown;
    try {
      expected = paginatePage(db, args);
    } finally {
      bypass = false;
    }
    const summary = (r: unknown) => {
      const { page, isDone, continueCursor, splitCursor, pageStatus } = r as PageSummary;
      return JSON.stringify([idsOf(page), isDone, continueCursor, splitCursor, pageStatus]);
    };
    if (summary(result) !== summary(expected)) {
      throw new Error("convex-local's index accelerator disagrees with convex-test on a paginate cursor");
    }
  }
  return result;
}

function committed(db: InternalDatabase, changes: CommittedChange[]): void {
  const tables = indexesByDatabase.get(db);
  if (tables === undefined) return;
  for (const { tableName, before, after } of changes) {
    const indexes = tables.get(tableName);
    if (indexes === undefined) continue;
    for (const index of indexes.values()) {
      if (!index.apply(before, after)) {
        // Stale (it never should be): drop the table's indexes; the next read rebuilds them.
        tables.delete(tableName);
        break;
      }
    }
  }
}
