import type { GenericDatabaseReader, GenericDataModel, IndexRange } from "convex/server";
import type { GenericId, Value } from "convex/values";
import { convexBetterAuthError } from "../shared/errors.js";
import { planQuery, type QueryPlan } from "./query-plan.js";
import { readIndexPage } from "./read-index-page.js";
import type { TableInfo } from "./schema-info.js";
import type { SortBy, Where } from "./validators.js";
import { compareRows, fieldValue, matchesWhere } from "./where-filter.js";

type Row = Record<string, unknown> & { _id: string; _creationTime: number };
type Db = GenericDatabaseReader<GenericDataModel>;

/** Convex's index range builder, every step allowed at every point of the chain. */
type IndexRangeChain = Record<"eq" | "gt" | "gte" | "lt" | "lte", (field: string, value: Value) => IndexRangeChain>;

/**
 * The most documents one call reads when a query cannot stream in index
 * order (an in-memory sort, an OR union, an `in` fan-out). Past it the call
 * fails with `SCAN_LIMIT_EXCEEDED` instead of nearing Convex's own
 * transaction read limit.
 */
export const MAX_COLLECTED_READS = 8192;

/** One page of matching rows. */
export type RowPage = { rows: Row[]; isDone: boolean; continueCursor: string };

const OFFSET_CURSOR = "offset:";
const warned = new Set<string>();

function warnMissingIndex(table: TableInfo, plan: QueryPlan) {
  if (!plan.missingIndex) return;
  const key = `${table.name}:${plan.missingIndex.join(",")}`;
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(
    `[convex-better-auth] Query on "${table.name}" fits no index and scans the table. ` +
      `Add an index on [${plan.missingIndex.map((f) => `"${f}"`).join(", ")}] to the component schema.`,
  );
}

function buildQueries(db: Db, table: TableInfo, plan: QueryPlan) {
  // Expand a fanned-out prefix field into one equality tuple per value.
  let tuples: (string | number | boolean)[][] = [[]];
  for (const { values } of plan.prefix) {
    tuples = tuples.flatMap((tuple) => values.map((value) => [...tuple, value]));
  }
  // A `ne` reads the ranges below and above the value, in the plan's order.
  const sides: ("lt" | "gt" | undefined)[] = !plan.exclude
    ? [undefined]
    : plan.order === "asc"
      ? ["lt", "gt"]
      : ["gt", "lt"];
  return tuples.flatMap((tuple) =>
    sides.map((side) => {
      const base = db.query(table.name);
      const indexed =
        plan.index === "by_creation_time"
          ? base.withIndex("by_creation_time")
          : base.withIndex(plan.index, (q) => {
              // The plan decides at run time which bounds apply; Convex's builder
              // types track that statically, so the chain is walked untyped here.
              let range = q as unknown as IndexRangeChain;
              plan.prefix.forEach(({ field }, i) => {
                range = range.eq(field, tuple[i] as Value);
              });
              if (plan.range) {
                const { field, lower, upper } = plan.range;
                if (lower) range = range[lower.op](field, lower.value as Value);
                if (upper) range = range[upper.op](field, upper.value as Value);
              }
              if (plan.exclude && side) range = range[side](plan.exclude.field, plan.exclude.value as Value);
              return range as unknown as IndexRange;
            });
      return indexed.order(plan.order);
    }),
  );
}

/**
 * The row whose Better Auth id is `id`: the document with that Convex `_id`
 * (after `normalizeId`, so a malformed id is simply not found), else the row
 * that stores `id` as its chosen id. One document read when it is an `_id`.
 *
 * @example
 * ```ts
 * const user = await getById(ctx.db, table, session.userId);
 * ```
 */
export async function getById(db: Db, table: TableInfo, id: unknown): Promise<Row | null> {
  if (typeof id !== "string" || id.length === 0) return null;
  const docId = db.normalizeId(table.name, id);
  if (docId) {
    const doc = (await db.get(docId as GenericId<string>)) as Row | null;
    if (doc) return doc;
  }
  if (!table.idIndex) return null;
  return (await db
    .query(table.name)
    .withIndex(table.idIndex, (q) => q.eq("id", id))
    .first()) as Row | null;
}

async function rowsByIds(db: Db, table: TableInfo, ids: readonly unknown[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const id of ids) {
    const row = await getById(db, table, id);
    if (row) rows.push(row);
  }
  return rows;
}

/**
 * A row as the adapter functions return it: as stored, plus its Better Auth
 * `id` (see {@link fieldValue}).
 */
export function withAuthId<T extends Row | null>(row: T): T {
  if (row === null || row.id !== undefined) return row;
  return { ...row, id: fieldValue(row, "id") };
}

function scanLimitError(table: TableInfo, plan: QueryPlan) {
  return convexBetterAuthError(
    "SCAN_LIMIT_EXCEEDED",
    `Query on "${table.name}" would read more than ${MAX_COLLECTED_READS} documents. ` +
      (plan.missingIndex ? `Add an index on [${plan.missingIndex.join(", ")}].` : "Narrow the where clause."),
    { model: table.name },
  );
}

async function collect(
  db: Db,
  table: TableInfo,
  plans: QueryPlan[],
  where: readonly Where[],
  stopAfter = Infinity,
): Promise<Row[]> {
  const seen = new Map<string, Row>();
  let reads = 0;
  for (const plan of plans) {
    if (plan.ids) {
      for (const row of await rowsByIds(db, table, plan.ids)) {
        if (!seen.has(row._id) && matchesWhere(row, where)) seen.set(row._id, row);
        if (seen.size >= stopAfter) return [...seen.values()];
      }
      continue;
    }
    for (const query of buildQueries(db, table, plan)) {
      for await (const doc of query) {
        if (++reads > MAX_COLLECTED_READS) throw scanLimitError(table, plan);
        const row = doc as Row;
        if (!seen.has(row._id) && matchesWhere(row, where)) seen.set(row._id, row);
        if (seen.size >= stopAfter) return [...seen.values()];
      }
    }
  }
  return [...seen.values()];
}

/** Splits a where list into per-clause plans when it is a pure OR of clauses. */
function plansFor(table: TableInfo, where: readonly Where[], sortBy: SortBy | undefined): QueryPlan[] {
  const ors = where.filter((clause) => clause.connector === "OR");
  if (ors.length > 0 && ors.length === where.length) {
    return ors.map((clause) => planQuery(table, [{ ...clause, connector: "AND" }], undefined));
  }
  return [planQuery(table, where, sortBy)];
}

/**
 * Reads the next page of rows matching `where`, in `sortBy` order. When the
 * chosen index yields that order, this streams one Convex page
 * (`numItems` documents read at most, fewer rows if a filter drops some);
 * otherwise it reads every candidate (bounded by {@link MAX_COLLECTED_READS}),
 * sorts in memory and pages by offset.
 *
 * @example
 * ```ts
 * const { rows, isDone, continueCursor } = await readRows(ctx.db, table, where, sortBy, { cursor: null, numItems: 100 });
 * ```
 */
export async function readRows(
  db: Db,
  table: TableInfo,
  where: readonly Where[],
  sortBy: SortBy | undefined,
  page: { cursor: string | null; numItems: number; offset?: number },
): Promise<RowPage> {
  const cursor = page.cursor === null && page.offset ? `${OFFSET_CURSOR}${page.offset}` : page.cursor;
  const plans = plansFor(table, where, sortBy);
  plans.forEach((plan) => warnMissingIndex(table, plan));
  const only = plans.length === 1 ? plans[0] : undefined;
  // One index range pages with Convex's cursor; several (`in`, `ne`) are merged here.
  const streams = only && !only.ids && !only.exclude && only.prefix.every((p) => p.values.length === 1);
  const inOrder = Boolean(only && streams && only.sorted);
  if (only && inOrder && !cursor?.startsWith(OFFSET_CURSOR)) {
    // Filters may drop rows, so read a little more than asked when not exact.
    const numItems = only.exact ? page.numItems : Math.max(page.numItems, 128);
    const result = await readIndexPage(db, table, only, cursor, numItems);
    return {
      rows: (result.page as Row[]).filter((row) => matchesWhere(row, where)),
      isDone: result.isDone,
      continueCursor: result.continueCursor,
    };
  }
  const start = cursor?.startsWith(OFFSET_CURSOR) ? Number(cursor.slice(OFFSET_CURSOR.length)) : 0;
  const end = start + page.numItems;
  // Rows already in order need reading only up to the page end (+1 to know if more follow).
  const rows = await collect(db, table, plans, where, inOrder ? end + 1 : Infinity);
  if (!inOrder) {
    if (sortBy) rows.sort((a, b) => compareRows(a, b, sortBy.field, sortBy.direction));
    else rows.sort((a, b) => a._creationTime - b._creationTime);
  }
  return {
    rows: rows.slice(start, end),
    isDone: end >= rows.length,
    continueCursor: `${OFFSET_CURSOR}${Math.min(end, rows.length)}`,
  };
}

/**
 * Up to `limit` rows matching `where`, in index order, in one read (joins
 * read next to the page they join).
 *
 * @example
 * ```ts
 * const accounts = await readFirstRows(ctx.db, accountTable, [{ field: "userId", value: user._id }], 100);
 * ```
 */
export async function readFirstRows(db: Db, table: TableInfo, where: readonly Where[], limit: number): Promise<Row[]> {
  const plans = plansFor(table, where, undefined);
  plans.forEach((plan) => warnMissingIndex(table, plan));
  const rows = await collect(db, table, plans, where, limit);
  return rows.slice(0, limit);
}

/**
 * The first row matching `where`, reading in index order and stopping at the
 * first match, so an exact index lookup reads one document. Used where one
 * row is wanted.
 *
 * @example
 * ```ts
 * const session = await findFirst(ctx.db, table, [{ field: "token", value: token }]);
 * ```
 */
export async function findFirst(db: Db, table: TableInfo, where: readonly Where[]): Promise<Row | null> {
  const plans = plansFor(table, where, undefined);
  let reads = 0;
  for (const plan of plans) {
    warnMissingIndex(table, plan);
    if (plan.ids) {
      const match = (await rowsByIds(db, table, plan.ids)).find((row) => matchesWhere(row, where));
      if (match) return match;
      continue;
    }
    for (const query of buildQueries(db, table, plan)) {
      if (plan.exact) {
        // Every clause is in the index range: its first row is the answer.
        const doc = (await query.first()) as Row | null;
        if (doc) return doc;
        continue;
      }
      for await (const doc of query) {
        if (++reads > MAX_COLLECTED_READS) throw scanLimitError(table, plan);
        if (matchesWhere(doc as Row, where)) return doc as Row;
      }
    }
  }
  return null;
}

/**
 * Projects a row onto the selected fields, with its Better Auth `id`; no
 * selection returns it whole. A selected field the row does not store comes
 * back `null`, as from a SQL column.
 */
export function selectFields(
  _table: TableInfo,
  row: Row,
  select: readonly string[] | undefined,
): Record<string, unknown> {
  if (!select || select.length === 0) return withAuthId(row);
  const projected: Record<string, unknown> = {};
  for (const field of select) projected[field] = fieldValue(row, field) ?? null;
  return projected;
}
