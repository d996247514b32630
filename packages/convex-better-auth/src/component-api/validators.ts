import { v, type Infer } from "convex/values";

/** Where operators Better Auth 1.7 sends to adapters. */
export const vWhereOperator = v.union(
  v.literal("eq"),
  v.literal("ne"),
  v.literal("lt"),
  v.literal("lte"),
  v.literal("gt"),
  v.literal("gte"),
  v.literal("in"),
  v.literal("not_in"),
  v.literal("contains"),
  v.literal("starts_with"),
  v.literal("ends_with"),
);

const vScalar = v.union(v.string(), v.number(), v.boolean(), v.null());

/**
 * One where clause, as Better Auth's `CleanedWhere` after the adapter turned
 * dates into epoch milliseconds. `connector` and `mode` are optional so that
 * hand-written calls from app code stay short.
 */
export const vWhere = v.object({
  field: v.string(),
  operator: v.optional(vWhereOperator),
  value: v.union(vScalar, v.array(vScalar)),
  connector: v.optional(v.union(v.literal("AND"), v.literal("OR"))),
  mode: v.optional(v.union(v.literal("sensitive"), v.literal("insensitive"))),
});
export type Where = Infer<typeof vWhere>;
export type WhereOperator = Infer<typeof vWhereOperator>;

export const vSortBy = v.object({
  field: v.string(),
  direction: v.union(v.literal("asc"), v.literal("desc")),
});
export type SortBy = Infer<typeof vSortBy>;

/**
 * A stored row. Model-generic, so its fields are checked against the table's
 * schema at run time; `v.record` cannot carry it because Convex forbids
 * record keys that start with `_` and rows carry `_id` and `_creationTime`.
 */
export const vDoc = v.any();

/** A page of rows, in the shape of Convex's own `PaginationResult`. */
export const vPage = v.object({
  page: v.array(vDoc),
  isDone: v.boolean(),
  continueCursor: v.string(),
});

/** Per-page progress of a bulk write or count. */
export const vBatchResult = v.object({
  count: v.number(),
  isDone: v.boolean(),
  continueCursor: v.string(),
});
