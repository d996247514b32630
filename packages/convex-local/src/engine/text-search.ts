/**
 * `withSearchIndex` as Convex documents it, in place of convex-test's
 * search (every term a prefix, whitespace-split words, creation order, and
 * `paginate` cursors on `_id` that skip or repeat results out of `_id` order):
 *
 * - text is tokenized like Tantivy's `SimpleTokenizer` (split on anything
 *   not a letter or digit), lowercased; terms longer than 32 characters are dropped;
 * - a document matches when any of the query's first 16 terms matches one of
 *   its tokens: the last term as a prefix, the others exactly;
 * - results come in relevance order: Okapi BM25 (k1 = 1.2, b = 0.75, the
 *   statistics over the table's committed documents), ties newest first.
 *   Convex adds proximity and other signals and says its order may change;
 * - `paginate` cursors name the last document of the page (with its score
 *   and creation time, for when it no longer matches), so a page continues
 *   right after the previous one; `isDone` is true on the page holding the
 *   last result.
 */
import {
  resolveQuery,
  tableDocuments,
  type InternalDatabase,
  type InternalDocument,
  type InternalPaginateArgs,
  type InternalQuery,
  type ResolvedQuerySource,
  type StockResolution,
} from "./convex-test-internals.ts";

const MAX_TERM_LENGTH = 32;
const MAX_QUERY_TERMS = 16;
/** Convex scans at most this many search results per query. */
const MAX_SEARCH_CANDIDATES = 1024;
const K1 = 1.2;
const B = 0.75;
const END_CURSOR = "_end_cursor";

type SearchFilter = { type: "Search" | "Eq"; fieldPath: string; value: unknown };
type SearchSource = { type: "Search"; indexName: string; filters: SearchFilter[] };
type Ranked = { doc: InternalDocument; score: number };

/** The scores of each resolved search, by its `sortedDocs` array, for the cursors. */
const scoresByResult = new WeakMap<object, Map<string, number>>();
const tokensByDocument = new WeakMap<InternalDocument, Map<string, string[]>>();

/**
 * Splits text into search terms as Convex's tokenizer does.
 *
 * @example
 * tokenize("Hello, wörld! x2"); // ["hello", "wörld", "x2"]
 */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((term) => term.length > 0 && term.length <= MAX_TERM_LENGTH);
}

function fieldText(doc: InternalDocument, fieldPath: string): string | null {
  let value: unknown = doc;
  for (const part of fieldPath.split(".")) value = (value as Record<string, unknown> | null)?.[part];
  return typeof value === "string" ? value : null;
}

function documentTokens(doc: InternalDocument, fieldPath: string): string[] {
  let byField = tokensByDocument.get(doc);
  if (byField === undefined) tokensByDocument.set(doc, (byField = new Map()));
  let tokens = byField.get(fieldPath);
  if (tokens === undefined) {
    const text = fieldText(doc, fieldPath);
    byField.set(fieldPath, (tokens = text === null ? [] : tokenize(text)));
  }
  return tokens;
}

/** How often `term` (a prefix when `prefix`) occurs in `tokens`. */
function termFrequency(tokens: string[], term: string, prefix: boolean): number {
  let count = 0;
  for (const token of tokens) if (prefix ? token.startsWith(term) : token === term) count += 1;
  return count;
}

function byRelevance(a: Ranked, b: Ranked): number {
  return (
    b.score - a.score ||
    b.doc._creationTime - a.doc._creationTime ||
    (a.doc._id < b.doc._id ? -1 : a.doc._id > b.doc._id ? 1 : 0)
  );
}

/**
 * Answers a `Search` source: convex-test resolves the source without its
 * search filter (so its equality filters, pending writes and `.filter()`
 * operators still apply), and the documents that match the search are
 * returned in relevance order.
 *
 * @example
 * if (query.source.type === "Search") return resolveSearch(db, query, stock);
 */
export function resolveSearch(db: InternalDatabase, query: InternalQuery, stock: StockResolution): ResolvedQuerySource {
  const source = query.source as SearchSource;
  const search = source.filters.find((filter) => filter.type === "Search");
  const original = source.filters;
  // Synchronous swap: convex-test reads the filters while resolving, nothing else runs meanwhile.
  source.filters = original.filter((filter) => filter.type !== "Search");
  let resolved: ResolvedQuerySource;
  try {
    resolved = stock.all();
  } finally {
    source.filters = original;
  }
  if (search === undefined) return resolved;
  const terms = tokenize(String(search.value)).slice(0, MAX_QUERY_TERMS);
  const ranked = rank(db, source, search.fieldPath, terms, resolved.sortedDocs);
  const sortedDocs = ranked.map(({ doc }) => doc);
  scoresByResult.set(sortedDocs, new Map(ranked.map(({ doc, score }) => [doc._id, score])));
  return { ...resolved, sortedDocs, fieldPathsToSortBy: [], order: "asc" };
}

function rank(
  db: InternalDatabase,
  source: SearchSource,
  fieldPath: string,
  terms: string[],
  candidates: ArrayLike<InternalDocument>,
): Ranked[] {
  if (terms.length === 0) return [];
  const lastIndex = terms.length - 1;
  // BM25 statistics over the table's committed documents.
  const tableName = source.indexName.split(".")[0] ?? "";
  let documents = 0;
  let totalLength = 0;
  const frequencies = terms.map(() => 0);
  for (const doc of tableDocuments(db, tableName)) {
    const tokens = documentTokens(doc, fieldPath);
    documents += 1;
    totalLength += tokens.length;
    terms.forEach((term, i) => {
      if (termFrequency(tokens, term, i === lastIndex) > 0) frequencies[i]! += 1;
    });
  }
  const averageLength = documents === 0 ? 1 : Math.max(totalLength / documents, 1);
  const idf = frequencies.map((df) => Math.log(1 + (Math.max(documents, df) - df + 0.5) / (df + 0.5)));
  const ranked: Ranked[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const doc = candidates[i]!;
    const tokens = documentTokens(doc, fieldPath);
    let score = 0;
    let matched = false;
    terms.forEach((term, t) => {
      const tf = termFrequency(tokens, term, t === lastIndex);
      if (tf === 0) return;
      matched = true;
      score += (idf[t]! * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * tokens.length) / averageLength));
    });
    if (matched) ranked.push({ doc, score });
  }
  return ranked.sort(byRelevance);
}

function encodeCursor(doc: InternalDocument, score: number): string {
  return JSON.stringify({ search: doc._id, score, creationTime: doc._creationTime });
}

/**
 * The index of the first result after `cursor`: right after the document it
 * names, or, when that one no longer matches, after where it would rank.
 */
function positionAfter(results: Ranked[], cursor: string): number {
  let key: { search?: unknown; score?: unknown; creationTime?: unknown };
  try {
    key = JSON.parse(cursor) as typeof key;
  } catch {
    throw new Error(`Invalid search cursor: ${cursor}`);
  }
  const at = results.findIndex(({ doc }) => doc._id === key.search);
  if (at >= 0) return at + 1;
  const probe = {
    doc: { _id: String(key.search), _creationTime: Number(key.creationTime) } as InternalDocument,
    score: Number(key.score),
  };
  const after = results.findIndex((result) => byRelevance(result, probe) > 0);
  return after < 0 ? results.length : after;
}

/**
 * `paginate` over a `Search` source, in relevance order with stable cursors.
 * Answers the shape convex-test's `paginate` answers.
 *
 * @example
 * if (args.query.source.type === "Search") return paginateSearch(db, args);
 */
export function paginateSearch(db: InternalDatabase, args: InternalPaginateArgs): unknown {
  const { sortedDocs, filterFn } = resolveQuery(db, args.query);
  const scores = scoresByResult.get(sortedDocs) ?? new Map<string, number>();
  const results = Array.from(sortedDocs, (doc) => ({ doc, score: scores.get(doc._id) ?? 0 }));
  const start =
    args.cursor === null ? 0 : args.cursor === END_CURSOR ? results.length : positionAfter(results, args.cursor);
  const bounded = typeof args.endCursor === "string";
  // A pinned end (`endCursor`) includes the document it names.
  const end = !bounded || args.endCursor === END_CURSOR ? results.length : positionAfter(results, args.endCursor!);
  const page: InternalDocument[] = [];
  let rowsRead = 0;
  let bytesRead = 0;
  let continueCursor = bounded ? args.endCursor! : END_CURSOR;
  let pageStatus: string | null = null;
  for (let i = start; i < end; i++) {
    if (rowsRead >= MAX_SEARCH_CANDIDATES) throw tooManyCandidates();
    const { doc, score } = results[i]!;
    rowsRead += 1;
    bytesRead += JSON.stringify(doc).length;
    if (filterFn(doc)) page.push(doc);
    const isLast = i === results.length - 1;
    const hitLimit =
      // The syscall sends null for "no limit".
      (typeof args.maximumRowsRead === "number" && rowsRead >= args.maximumRowsRead) ||
      (typeof args.maximumBytesRead === "number" && bytesRead >= args.maximumBytesRead);
    if (hitLimit && !isLast) {
      pageStatus = "SplitRequired";
      continueCursor = encodeCursor(doc, score);
      break;
    }
    if (!bounded && page.length >= args.pageSize) {
      if (!isLast) continueCursor = encodeCursor(doc, score);
      break;
    }
  }
  return { page, isDone: continueCursor === END_CURSOR, continueCursor, splitCursor: null, pageStatus };
}

function tooManyCandidates(): Error {
  return new Error(
    `Search query scanned too many documents (fetched ${MAX_SEARCH_CANDIDATES}). ` +
      "Consider using a smaller limit, paginating the query, or using a filter " +
      "field to limit the number of documents pulled from the search index.",
  );
}
