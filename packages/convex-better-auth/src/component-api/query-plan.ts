import type { IndexInfo, TableInfo } from "./schema-info.js";
import type { SortBy, Where } from "./validators.js";

type Scalar = string | number | boolean;

/** One way to read a table: an index, the equalities and range on it, and what is left to filter. */
export type QueryPlan = {
  /** Index name, or `by_creation_time` for a full scan. */
  index: string;
  /** Equality prefix; a field with several values (from `in`) fans out into one range per value. */
  prefix: { field: string; values: Scalar[] }[];
  range?: { field: string; lower?: { op: "gt" | "gte"; value: Scalar }; upper?: { op: "lt" | "lte"; value: Scalar } };
  /**
   * A `ne` on the index field after the prefix: the plan reads the two
   * ranges either side of the value (`lt`, then `gt`), in index order.
   */
  exclude?: { field: string; value: Scalar };
  order: "asc" | "desc";
  /** The index already returns rows in the requested sort order. */
  sorted: boolean;
  /** Every clause is enforced by the index, so no row read is thrown away. */
  exact: boolean;
  /** Set when the query has constraints but no index narrows it: the fields an index should have. */
  missingIndex?: string[];
  /**
   * Set when an `id eq` or `id in` clause pins the rows: they are read by
   * Better Auth id (`db.get` of the Convex `_id`, else the stored-id index)
   * and the other clauses filter them. `index` is then `"_id"`.
   */
  ids?: Scalar[];
};

/** How many values an `in` clause may fan out into before it is left to the filter. */
const MAX_IN_FANOUT = 64;

/** How many ids an `id in` clause may look up one by one (a `db.get` each). */
export const MAX_ID_LOOKUPS = 1024;

/** The ids an AND clause on `id` pins (`eq`, or `in` up to {@link MAX_ID_LOOKUPS}), if any. */
function pinnedIds(where: readonly Where[]): Scalar[] | undefined {
  for (const clause of where) {
    if (clause.field !== "id" || clause.connector === "OR" || isCaseFolded(clause)) continue;
    const op = clause.operator ?? "eq";
    if (op === "eq" && usableValue(clause.value)) return [clause.value];
    if (
      op === "in" &&
      Array.isArray(clause.value) &&
      clause.value.length <= MAX_ID_LOOKUPS &&
      clause.value.every((item) => item !== null)
    ) {
      return [...new Set(clause.value as Scalar[])];
    }
  }
  return undefined;
}

function usableValue(value: Where["value"]): value is Scalar {
  return value !== null && !Array.isArray(value);
}

function isCaseFolded(clause: Where): boolean {
  return clause.mode === "insensitive";
}

type Constraints = {
  eq: Map<string, Scalar[]>;
  lower: Map<string, { op: "gt" | "gte"; value: Scalar }>;
  upper: Map<string, { op: "lt" | "lte"; value: Scalar }>;
  /** `ne` a value: an index can skip it by reading either side of it. */
  ne: Map<string, Scalar>;
  /** Clauses that no index can enforce (contains, null tests, case folding, OR, …). */
  residual: number;
};

function canonical(a: Where, b: Where): number {
  const left = JSON.stringify([a.field, a.operator ?? "eq", a.value]);
  const right = JSON.stringify([b.field, b.operator ?? "eq", b.value]);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Collects what an index could enforce from the AND clauses. Clauses are
 * visited in a canonical order so that the plan never depends on the order
 * Better Auth happened to list them in.
 */
function collectConstraints(where: readonly Where[]): Constraints {
  const constraints: Constraints = { eq: new Map(), lower: new Map(), upper: new Map(), ne: new Map(), residual: 0 };
  const andClauses = where.filter((clause) => clause.connector !== "OR");
  constraints.residual += where.length - andClauses.length;
  for (const clause of [...andClauses].sort(canonical)) {
    const op = clause.operator ?? "eq";
    if (isCaseFolded(clause) && (typeof clause.value === "string" || Array.isArray(clause.value))) {
      constraints.residual++;
      continue;
    }
    if (op === "eq" && usableValue(clause.value) && !constraints.eq.has(clause.field)) {
      constraints.eq.set(clause.field, [clause.value]);
    } else if (
      op === "in" &&
      Array.isArray(clause.value) &&
      clause.value.length > 0 &&
      clause.value.length <= MAX_IN_FANOUT &&
      clause.value.every((item) => item !== null) &&
      !constraints.eq.has(clause.field)
    ) {
      constraints.eq.set(clause.field, [...new Set(clause.value as Scalar[])]);
    } else if ((op === "gt" || op === "gte") && usableValue(clause.value) && !constraints.lower.has(clause.field)) {
      constraints.lower.set(clause.field, { op, value: clause.value });
    } else if ((op === "lt" || op === "lte") && usableValue(clause.value) && !constraints.upper.has(clause.field)) {
      constraints.upper.set(clause.field, { op, value: clause.value });
    } else if (
      op === "ne" &&
      usableValue(clause.value) &&
      // Ids are `_id`s or stored ids: no index range covers them.
      clause.field !== "id" &&
      !constraints.ne.has(clause.field)
    ) {
      // `ne v` matches null and missing values too (see matchesClause); they
      // sort below every value, so the two ranges around v hold them.
      constraints.ne.set(clause.field, clause.value);
    } else {
      constraints.residual++;
    }
  }
  return constraints;
}

type Candidate = { plan: QueryPlan; score: number; width: number };

function planForIndex(
  index: IndexInfo,
  constraints: Constraints,
  sortBy: SortBy | undefined,
  uniqueFields: readonly string[],
): Candidate {
  const prefix: QueryPlan["prefix"] = [];
  let fannedOut = false;
  let position = 0;
  for (; position < index.fields.length; position++) {
    const field = index.fields[position]!;
    const values = constraints.eq.get(field);
    if (!values) break;
    if (values.length > 1) {
      // Only one field may fan out; a second would multiply the ranges.
      if (fannedOut) break;
      fannedOut = true;
    }
    prefix.push({ field, values });
  }
  const next = index.fields[position];
  let range: QueryPlan["range"];
  let exclude: QueryPlan["exclude"];
  if (next !== undefined && (constraints.lower.has(next) || constraints.upper.has(next))) {
    range = { field: next, lower: constraints.lower.get(next), upper: constraints.upper.get(next) };
  } else if (next !== undefined && constraints.ne.has(next)) {
    // SCIM's domain-stability check: eq connectionId + provisioningDomainId ne.
    exclude = { field: next, value: constraints.ne.get(next)! };
  }
  const orderField = range ? range.field : next;
  const sorted =
    !sortBy ||
    (orderField === sortBy.field && !fannedOut) ||
    prefix.some((p) => p.field === sortBy.field && p.values.length === 1);
  const usedEq = prefix.length;
  const usedRange = range ? (range.lower ? 1 : 0) + (range.upper ? 1 : 0) : 0;
  const totalRange = constraints.lower.size + constraints.upper.size;
  const exact =
    constraints.residual === 0 &&
    usedEq === constraints.eq.size &&
    usedRange === totalRange &&
    constraints.ne.size === (exclude ? 1 : 0);
  // An equality on a unique field reads at most one row per value, whatever
  // else the where list pins (SCIM: eq connectionId + eq userNameKey).
  const pointLookup = prefix.some((p) => uniqueFields.includes(p.field));
  const score =
    (pointLookup ? 64 : 0) + usedEq * 8 + (range || exclude ? 4 : 0) + (sorted && sortBy ? 2 : 0) + (exact ? 1 : 0);
  return {
    plan: {
      index: index.name,
      prefix,
      range,
      ...(exclude ? { exclude } : {}),
      order: sortBy?.direction ?? "asc",
      sorted,
      exact,
    },
    score,
    width: index.fields.length,
  };
}

/**
 * Chooses the index for a where list and sort. The best index is the one
 * that pins a unique field, then the most equality fields, then bounds a
 * range, then already yields the requested order; ties go to the narrower
 * index, then by name.
 * With only OR clauses the caller plans each clause on its own.
 *
 * @example
 * ```ts
 * planQuery(table, [{ field: "identifier", value: "x" }], { field: "createdAt", direction: "desc" });
 * // → { index: "identifier_createdAt", prefix: [{ field: "identifier", values: ["x"] }], sorted: true, … }
 * ```
 */
export function planQuery(table: TableInfo, where: readonly Where[], sortBy?: SortBy): QueryPlan {
  const ids = pinnedIds(where);
  if (ids) return { index: "_id", prefix: [], order: sortBy?.direction ?? "asc", sorted: false, exact: false, ids };
  const constraints = collectConstraints(where);
  let best: Candidate | undefined;
  for (const index of table.indexes) {
    const candidate = planForIndex(index, constraints, sortBy, table.uniqueFields);
    if (
      !best ||
      candidate.score > best.score ||
      (candidate.score === best.score && candidate.width < best.width) ||
      (candidate.score === best.score && candidate.width === best.width && candidate.plan.index < best.plan.index)
    ) {
      best = candidate;
    }
  }
  const narrows =
    best && (best.plan.prefix.length > 0 || best.plan.range !== undefined || best.plan.exclude !== undefined);
  if (best && (narrows || (sortBy && best.plan.sorted))) return best.plan;
  const hasConstraints = where.length > 0 || sortBy !== undefined;
  // Ids are Convex `_id`s or stored ids: no index orders or ranges them.
  const wanted = [
    ...constraints.eq.keys(),
    ...constraints.lower.keys(),
    ...constraints.upper.keys(),
    ...constraints.ne.keys(),
  ].filter((field) => field !== "id");
  if (sortBy && sortBy.field !== "id" && !wanted.includes(sortBy.field)) wanted.push(sortBy.field);
  const indexable = wanted.length > 0;
  return {
    index: "by_creation_time",
    prefix: [],
    order: sortBy?.direction ?? "asc",
    sorted: !sortBy,
    exact: where.length === 0,
    missingIndex: hasConstraints && indexable ? [...new Set(wanted)] : undefined,
  };
}
