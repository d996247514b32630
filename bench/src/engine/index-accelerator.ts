/**
 * Real (in-memory, sorted) indexes for convex-test's database.
 *
 * Why: convex-test 0.0.70 has no indexes. Every `withIndex` range is answered
 * by visiting every document of the table, filtering and sorting them. With
 * 100,000 users one index lookup costs ~150 ms of wall time, while `db.get`
 * stays O(1) — so stock convex-test makes an index lookup look 200× slower
 * than a `db.get`, which no real deployment does, and a paginated scan costs
 * O(N) per page (the prior art's `count` at 100,000 users took ~250 s).
 *
 * What: per database and per (table, index), the committed documents sorted
 * by the index key (index fields, then `_creationTime`, then `_id`, as Convex
 * orders them, compared with `convex/values`' `compareValues`). A range is
 * two binary searches and a lazy view, and a `paginate` cursor is found by
 * binary search instead of by visiting every document before it. Writes still pending in the running transaction are
 * answered by convex-test's own code and merged in. The indexes are kept up
 * to date on every top-level commit.
 *
 * What it does not change: which documents a query returns, in which order,
 * and what the transaction metrics count (that happens in convex-test's
 * syscalls, on the documents returned). Only how long answering takes.
 * `setEngineVerification(true)` re-answers every accelerated query the stock
 * way and throws on any difference; the bench runs its sanity pass with it on.
 *
 * Both sides run on the same patched engine: the patch is on convex-test's
 * `DatabaseFake` prototype, shared by every instance in the process.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { compareValues, jsonToConvex, type Value } from "convex/values";
import { convexTest } from "convex-test";
import { defineSchema } from "convex/server";

type Doc = Record<string, any> & { _id: string; _creationTime: number };
type RangeExpr = { type: "Eq" | "Gt" | "Gte" | "Lt" | "Lte"; fieldPath: string; value: any };
type Source =
  | { type: "FullTableScan"; tableName: string; order?: "asc" | "desc" }
  | { type: "IndexRange"; indexName: string; range: RangeExpr[]; order?: "asc" | "desc" }
  | { type: "Search" };
type Resolved = { sortedDocs: Doc[]; fieldPathsToSortBy: string[]; order: "asc" | "desc"; [key: string]: unknown };
/** The parts of convex-test's `DatabaseFake` this file touches. */
type DatabaseFake = {
  _documents: Record<string, Doc>;
  _tableIds: Map<string, Set<string>>;
  _writes: Record<string, Doc | null>[];
  _schema: { tables: Map<string, { indexes: { indexDescriptor: string; fields: string[] }[] }> } | null;
  _resolveQuerySource(query: { source: Source; operators?: object[] }): Resolved;
  paginate(args: { cursor: string | null; [key: string]: unknown }): unknown;
  commit(commitTs?: unknown): unknown;
};

type SortedIndex = { fields: string[]; docs: Doc[] };
type Plan = { table: string; fields: string[]; indexKey: string; lower?: Bound; upper?: Bound; order: "asc" | "desc" };
/** Documents whose first `values.length` key fields compare to `values` as `inclusive` allows. */
type Bound = { values: Value[]; inclusive: boolean };

const indexesByDb = new WeakMap<DatabaseFake, Map<string, Map<string, SortedIndex>>>();
/** The cursor of the `paginate` call in progress on a database, if any. */
const pageCursors = new WeakMap<DatabaseFake, string>();
const NO_TABLES = new Map<string, Set<string>>();
let verify = false;
let installed = false;
const stats = { accelerated: 0, stock: 0, withDatabaseFilter: 0 };

/**
 * How queries were answered. `withDatabaseFilter` counts queries using
 * `.filter()`: convex-test counts only the documents such a filter keeps,
 * while the backend bills every document the range scanned, so any
 * non-zero value means the read counts may be low.
 */
export function engineStats(): typeof stats {
  return { ...stats };
}

/** Re-answer every accelerated query the stock way and throw on any difference. */
export function setEngineVerification(on: boolean): void {
  verify = on;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A field of a committed document, by dotted path, as convex-test reads it. */
function fieldOf(doc: Doc, fieldPath: string): Value | undefined {
  let result: any = doc;
  for (const part of fieldPath.split(".")) result = isPlainObject(result) ? result[part] : undefined;
  return result;
}

/** Compares the first `values.length` key fields of `doc` with `values`. */
function comparePrefix(doc: Doc, fields: string[], values: (Value | undefined)[]): number {
  for (let i = 0; i < values.length; i++) {
    const c = compareValues(fieldOf(doc, fields[i]!) as Value, values[i] as Value);
    if (c !== 0) return c;
  }
  return 0;
}

function compareDocs(fields: string[], a: Doc, b: Doc): number {
  for (const field of fields) {
    const c = compareValues(fieldOf(a, field) as Value, fieldOf(b, field) as Value);
    if (c !== 0) return c;
  }
  return 0;
}

/** First position whose document is not before `bound` (or, exclusive, is after it). */
function lowerPosition(index: SortedIndex, bound: Bound | undefined): number {
  if (!bound) return 0;
  let lo = 0;
  let hi = index.docs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = comparePrefix(index.docs[mid]!, index.fields, bound.values);
    if (c < 0 || (c === 0 && !bound.inclusive)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position whose document is after `bound` (or, exclusive, is not before it). */
function upperPosition(index: SortedIndex, bound: Bound | undefined): number {
  if (!bound) return index.docs.length;
  let lo = 0;
  let hi = index.docs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = comparePrefix(index.docs[mid]!, index.fields, bound.values);
    if (c < 0 || (c === 0 && bound.inclusive)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function queryValue(json: any): Value | undefined {
  if (isPlainObject(json) && "$undefined" in json) return undefined;
  return jsonToConvex(json);
}

function indexFields(db: DatabaseFake, table: string, index: string): string[] | undefined {
  if (index === "by_creation_time") return ["_creationTime", "_id"];
  if (index === "by_id") return ["_id"];
  const found = db._schema?.tables.get(table)?.indexes.find((i) => i.indexDescriptor === index);
  return found ? [...found.fields, "_creationTime", "_id"] : undefined;
}

/** The key range a source reads, or undefined when this file leaves it to convex-test. */
function planFor(db: DatabaseFake, source: Source): Plan | undefined {
  if (source.type === "FullTableScan") {
    return { table: source.tableName, fields: ["_creationTime", "_id"], indexKey: "by_creation_time", order: source.order ?? "asc" };
  }
  if (source.type !== "IndexRange") return undefined;
  const [table, index] = source.indexName.split(".") as [string, string];
  const fields = indexFields(db, table, index);
  if (!fields) return undefined;
  const eqs: (Value | undefined)[] = [];
  let position = 0;
  for (; position < source.range.length && source.range[position]!.type === "Eq"; position++) {
    if (source.range[position]!.fieldPath !== fields[position]) return undefined;
    eqs.push(queryValue(source.range[position]!.value));
  }
  const bounds = source.range.slice(position);
  if (bounds.length > 2) return undefined;
  let lower: Bound = { values: eqs as Value[], inclusive: true };
  let upper: Bound = { values: eqs as Value[], inclusive: true };
  for (const expr of bounds) {
    if (expr.fieldPath !== fields[eqs.length]) return undefined;
    const values = [...eqs, queryValue(expr.value)] as Value[];
    if (expr.type === "Gt" || expr.type === "Gte") lower = { values, inclusive: expr.type === "Gte" };
    else if (expr.type === "Lt" || expr.type === "Lte") upper = { values, inclusive: expr.type === "Lte" };
    else return undefined;
  }
  return { table, fields, indexKey: index, lower, upper, order: source.order ?? "asc" };
}

function sortedIndex(db: DatabaseFake, plan: Plan): SortedIndex {
  let tables = indexesByDb.get(db);
  if (!tables) indexesByDb.set(db, (tables = new Map()));
  let indexes = tables.get(plan.table);
  if (!indexes) tables.set(plan.table, (indexes = new Map()));
  let index = indexes.get(plan.indexKey);
  if (!index) {
    const docs = [...(db._tableIds.get(plan.table) ?? [])].map((id) => db._documents[id]!);
    docs.sort((a, b) => compareDocs(plan.fields, a, b));
    index = { fields: plan.fields, docs };
    indexes.set(plan.indexKey, index);
  }
  return index;
}

function tableOfId(id: string): string | undefined {
  const digits = /^[0-9]+/.exec(id)?.[0];
  return digits && digits.length < id.length ? id.slice(digits.length) : undefined;
}

/** Exact position of a committed document in an index (keys end in `_id`, so they are unique). */
function positionOf(index: SortedIndex, doc: Doc): number {
  const position = lowerPosition(index, { values: index.fields.map((f) => fieldOf(doc, f)) as Value[], inclusive: true });
  return index.docs[position]?._id === doc._id ? position : -1;
}

/**
 * A read-only array view of `source[start..end)`, reversed if asked.
 * convex-test only reads `length` and indexes of the docs a query resolves
 * to, and reads them lazily; copying a 100,000-document range for a
 * 200-document page would make every page O(table) again.
 */
function rangeView(source: ArrayLike<Doc>, start: number, end: number, reverse: boolean): Doc[] {
  const length = Math.max(0, end - start);
  const position = (prop: string | symbol): number | undefined => {
    if (typeof prop !== "string") return undefined;
    const i = Number(prop);
    return Number.isInteger(i) && i >= 0 && i < length ? i : undefined;
  };
  return new Proxy([] as Doc[], {
    get(target, prop, receiver) {
      if (prop === "length") return length;
      const i = position(prop);
      if (i !== undefined) return source[reverse ? end - 1 - i : start + i];
      return Reflect.get(target, prop, receiver);
    },
    has(target, prop) {
      return position(prop) !== undefined || Reflect.has(target, prop);
    },
  });
}

/**
 * Drops the documents at or before a pagination cursor, as convex-test's
 * `paginate` would by visiting each of them: the docs are in cursor order,
 * so the first one after the cursor is found by binary search.
 */
function afterCursor(resolved: Resolved, cursor: string): Doc[] {
  const keys = (JSON.parse(cursor) as (string | null)[]).map((k) => (k === null ? undefined : jsonToConvex(JSON.parse(k))));
  const fields = resolved.fieldPathsToSortBy.includes("_id") ? resolved.fieldPathsToSortBy : [...resolved.fieldPathsToSortBy, "_id"];
  const direction = resolved.order === "asc" ? 1 : -1;
  const docs = resolved.sortedDocs;
  let lo = 0;
  let hi = docs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePrefix(docs[mid]!, fields, keys as Value[]) * direction > 0) hi = mid;
    else lo = mid + 1;
  }
  return rangeView(docs, lo, docs.length, false);
}

function applyCommit(db: DatabaseFake, changes: [string, Doc | undefined][]): void {
  const tables = indexesByDb.get(db);
  if (!tables) return;
  for (const [id, before] of changes) {
    const indexes = tables.get(tableOfId(id) ?? "");
    if (!indexes) continue;
    const after = db._documents[id];
    for (const index of indexes.values()) {
      if (before) {
        const at = positionOf(index, before);
        if (at >= 0) index.docs.splice(at, 1);
      }
      if (after) {
        const at = lowerPosition(index, { values: index.fields.map((f) => fieldOf(after, f)) as Value[], inclusive: true });
        index.docs.splice(at, 0, after);
      }
    }
  }
}

function patch(proto: DatabaseFake): void {
  const stockResolve = proto._resolveQuerySource;
  const stockCommit = proto.commit;
  const stockPaginate = proto.paginate;

  proto._resolveQuerySource = function (this: DatabaseFake, query) {
    if (query.operators?.some((operator) => "filter" in operator)) stats.withDatabaseFilter += 1;
    const plan = planFor(this, query.source);
    if (!plan) {
      stats.stock += 1;
      return stockResolve.call(this, query);
    }
    stats.accelerated += 1;
    // convex-test's own answer over the pending writes only: it applies the
    // range, filters and order to them and hands back the filter and limit.
    const saved = this._tableIds;
    this._tableIds = NO_TABLES;
    let pending: Resolved;
    try {
      pending = stockResolve.call(this, query);
    } finally {
      this._tableIds = saved;
    }
    const written = new Set<string>();
    for (const level of this._writes) for (const id of Object.keys(level)) if (tableOfId(id) === plan.table) written.add(id);
    const index = sortedIndex(this, plan);
    const lo = lowerPosition(index, plan.lower);
    const hi = upperPosition(index, plan.upper);
    let sortedDocs: Doc[];
    if (written.size === 0 && pending.sortedDocs.length === 0) {
      sortedDocs = rangeView(index.docs, lo, hi, plan.order === "desc");
    } else {
      // Writes in this transaction touch the table: merge them in, the slow way.
      const fresh = index.docs.slice(lo, hi).filter((doc) => !written.has(doc._id));
      const added = plan.order === "desc" ? [...pending.sortedDocs].reverse() : pending.sortedDocs;
      sortedDocs = [...fresh, ...added].sort((a, b) => compareDocs(plan.fields, a, b));
      if (plan.order === "desc") sortedDocs.reverse();
    }
    const result = { ...pending, sortedDocs };
    if (verify) {
      const expected = stockResolve.call(this, query).sortedDocs.map((doc) => doc._id).join(",");
      const actual = Array.from(sortedDocs, (doc) => doc._id).join(",");
      if (expected !== actual) {
        throw new Error(`index accelerator disagrees with convex-test on ${JSON.stringify(query.source)}`);
      }
    }
    const cursor = pageCursors.get(this);
    if (cursor !== undefined) result.sortedDocs = afterCursor(result, cursor);
    return result;
  };

  proto.paginate = function (this: DatabaseFake, args) {
    const seek = typeof args.cursor === "string" && args.cursor !== "_end_cursor";
    if (!seek) return stockPaginate.call(this, args);
    pageCursors.set(this, args.cursor as string);
    let result: any;
    try {
      result = stockPaginate.call(this, args);
    } finally {
      pageCursors.delete(this);
    }
    if (verify) {
      const expected: any = stockPaginate.call(this, args);
      const summary = (r: any) => JSON.stringify([r.page.map((d: Doc) => d._id), r.isDone, r.continueCursor, r.splitCursor]);
      if (summary(expected) !== summary(result)) throw new Error("index accelerator disagrees with convex-test on a paginate cursor seek");
    }
    return result;
  };

  proto.commit = function (this: DatabaseFake, commitTs) {
    // Only the outermost commit moves writes into `_documents`.
    const top = this._writes.length === 1 ? this._writes[0] : undefined;
    const changes = top && indexesByDb.has(this) ? Object.keys(top).map((id) => [id, this._documents[id]] as [string, Doc | undefined]) : [];
    const result = stockCommit.call(this, commitTs);
    if (changes.length > 0) applyCommit(this, changes);
    return result;
  };
}

/**
 * Patches convex-test's database class, once per process. The class is not
 * exported; it is reached through the store convex-test hands to
 * `AsyncLocalStorage.run` on its first call.
 */
export async function installIndexAccelerator(): Promise<void> {
  if (installed) return;
  const stockRun = AsyncLocalStorage.prototype.run;
  AsyncLocalStorage.prototype.run = function (this: AsyncLocalStorage<unknown>, store: any, ...rest: any[]) {
    const db = store?.components?.[""]?.db;
    if (!installed && db && store.transactionManager) {
      patch(Object.getPrototypeOf(db));
      installed = true;
      AsyncLocalStorage.prototype.run = stockRun;
    }
    return (stockRun as any).call(this, store, ...rest);
  } as typeof stockRun;
  const probe = convexTest(defineSchema({}), { "/probe/_generated/api.js": async () => ({}) });
  await probe.run(async () => {});
  if (!installed) throw new Error("could not reach convex-test's database class to install the index accelerator");
}
