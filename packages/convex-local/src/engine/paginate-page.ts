/**
 * `paginate` over a database (not search) source as the Convex backend
 * pages it, in place of convex-test's page loop, which differs where clients
 * act on the answer:
 *
 * - `splitCursor` names the middle of the rows the page scanned on every page
 *   that scanned more than two (convex-test: only with a `pageStatus`).
 *   `usePaginatedQuery` and `ConvexClient` split a page that grew past twice
 *   its requested size with it, so without one a pinned page grows forever.
 * - `pageStatus` is `"SplitRecommended"` when the page read more than 3/4 of
 *   its row or byte budget (`maximumRowsRead` / `maximumBytesRead`, capped at
 *   the transaction limits of 32,000 documents and 16 MiB) or holds more than
 *   6,144 documents (convex-test: whenever it scanned more than `pageSize` + 1
 *   rows, so every filtered page asks the client to split it).
 * - `maximumRowsRead` / `maximumBytesRead` stop a page only when another row
 *   is there to read (at least one row is always read), and never stop a page
 *   pinned by `endCursor`, which must return its whole range. A page cut short
 *   ends after the last row it read with `"SplitRecommended"`: it has no
 *   range to lose, and its `continueCursor` simply moves less far. (The
 *   current backend answers so; older ones answered `"SplitRequired"`, which
 *   makes `usePaginatedQuery` hide the page until the split arrives.)
 * - A pinned page's `continueCursor` is its `endCursor`, even when the
 *   document there was deleted.
 *
 * Cursors keep convex-test's encoding, and `isDone` is true on the page with
 * the last document, as before.
 */
import { getDocumentSize, type Value } from "convex/values";
import {
  decodePaginationCursor,
  resolveQuery,
  type InternalDatabase,
  type InternalDocument,
  type InternalPaginateArgs,
} from "./convex-test-internals.ts";

const END_CURSOR = "_end_cursor";
/** Convex's per-transaction read limits, the ceiling of a page's own budget. */
const TRANSACTION_MAX_READ_ROWS = 32_000;
const TRANSACTION_MAX_READ_BYTES = 16 * 1024 * 1024;
/** A page returned from a function must fit in an array of 8,192 values; past 3/4 of that, split. */
const SOFT_MAX_PAGE_LENGTH = softLimit(8_192);

/** What `1.0/queryPage` answers (documents still in convex-test's form). */
export type PageResult = {
  page: InternalDocument[];
  isDone: boolean;
  continueCursor: string;
  splitCursor: string | null;
  pageStatus: "SplitRecommended" | "SplitRequired" | null;
};

/** convex-test's own cursor codec on its database, so cursors stay interchangeable with its other code paths. */
type CursorCodec = {
  _encodeCursor(doc: InternalDocument, fieldPaths: string[]): string;
  _docIsAfterCursor(
    doc: InternalDocument,
    cursorKeys: (Value | undefined)[],
    fieldPaths: string[],
    order: "asc" | "desc",
  ): number;
};

function softLimit(hardLimit: number): number {
  return Math.floor((hardLimit * 3) / 4);
}

/** The syscall sends null for "no limit"; Convex refuses 0. */
function readLimit(value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (value <= 0) throw new Error("maximumRowsRead and maximumBytesRead must be greater than 0");
  return value;
}

/**
 * Answers one `paginate` call on a database source. The source resolves
 * through the installed query hooks, so a sorted index answers it (already
 * seeked past `cursor` when the accelerator set that up).
 *
 * @throws Error when `maximumRowsRead` or `maximumBytesRead` is 0 or less.
 * @example
 * if (args.query.source.type !== "Search") return paginatePage(db, args);
 */
export function paginatePage(db: InternalDatabase, args: InternalPaginateArgs): PageResult {
  const maxRows = readLimit(args.maximumRowsRead);
  const maxBytes = readLimit(args.maximumBytesRead);
  const codec = db as unknown as CursorCodec;
  const { sortedDocs, filterFn, fieldPathsToSortBy, order } = resolveQuery(db, args.query);
  const fields = fieldPathsToSortBy.includes("_id") ? fieldPathsToSortBy : [...fieldPathsToSortBy, "_id"];
  const endCursor = typeof args.endCursor === "string" ? args.endCursor : null;
  const startKeys = args.cursor === null || args.cursor === END_CURSOR ? null : decodePaginationCursor(args.cursor);
  const endKeys = endCursor === null || endCursor === END_CURSOR ? null : decodePaginationCursor(endCursor);

  const page: InternalDocument[] = [];
  /** Cursor after each row read, in order (Convex's candidates for `splitCursor`). */
  const scanned: string[] = [];
  let bytesRead = 0;
  let stoppedAt: "end" | "full" | "budget" = "end";
  let lastIndex = -1;
  if (args.cursor !== END_CURSOR) {
    for (let i = 0; i < sortedDocs.length; i++) {
      const doc = sortedDocs[i]!;
      if (startKeys !== null && codec._docIsAfterCursor(doc, startKeys, fields, order) <= 0) continue;
      if (endKeys !== null && codec._docIsAfterCursor(doc, endKeys, fields, order) > 0) break;
      // Budgets are checked before reading another row (both are above 0), so a page always reads one.
      const overBudget =
        (maxRows !== null && scanned.length >= maxRows) || (maxBytes !== null && bytesRead >= maxBytes);
      if (endCursor === null && overBudget) {
        stoppedAt = "budget";
        break;
      }
      bytesRead += getDocumentSize(doc as never);
      scanned.push(codec._encodeCursor(doc, fields));
      lastIndex = i;
      if (filterFn(doc)) page.push(doc);
      if (endCursor === null && page.length >= args.pageSize) {
        stoppedAt = "full";
        break;
      }
    }
  }

  let continueCursor: string;
  if (endCursor !== null) continueCursor = endCursor;
  else if (stoppedAt === "end" || (stoppedAt === "full" && lastIndex === sortedDocs.length - 1))
    continueCursor = END_CURSOR;
  else continueCursor = scanned[scanned.length - 1]!;

  const approachingLimit =
    scanned.length > softLimit(Math.min(maxRows ?? TRANSACTION_MAX_READ_ROWS, TRANSACTION_MAX_READ_ROWS)) ||
    bytesRead > softLimit(Math.min(maxBytes ?? TRANSACTION_MAX_READ_BYTES, TRANSACTION_MAX_READ_BYTES)) ||
    page.length > SOFT_MAX_PAGE_LENGTH;
  return {
    page,
    isDone: continueCursor === END_CURSOR,
    continueCursor,
    splitCursor: scanned.length > 2 ? scanned[Math.floor(scanned.length / 2)]! : null,
    pageStatus: stoppedAt === "budget" || approachingLimit ? "SplitRecommended" : null,
  };
}
