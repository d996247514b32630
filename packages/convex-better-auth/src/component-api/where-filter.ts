import type { Where } from "./validators.js";

type Row = Record<string, unknown>;

/**
 * A row's value for a Better Auth field. The Better Auth `id` of a row is
 * its stored `id` when it has one (a chosen id: `generateId`, `forceAllowId`)
 * and its Convex `_id` otherwise, the way `@convex-dev/better-auth` stores it.
 */
export function fieldValue(row: Row, field: string): unknown {
  if (field === "id") return row.id ?? row._id;
  return row[field];
}

const lower = (value: unknown) => (typeof value === "string" ? value.toLowerCase() : value);

function isInsensitive(clause: Where): boolean {
  if (clause.mode !== "insensitive") return false;
  const { value } = clause;
  return typeof value === "string" || (Array.isArray(value) && value.every((item) => typeof item === "string"));
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Whether one row satisfies one clause, with SQL's null semantics: `eq null`
 * is IS NULL and `ne null` is IS NOT NULL, and a missing field counts as null
 * (Convex stores no value for an absent optional field, Better Auth means NULL).
 */
export function matchesClause(row: Row, clause: Where): boolean {
  const raw = fieldValue(row, clause.field);
  const stored = raw === undefined ? null : raw;
  const insensitive = isInsensitive(clause);
  const fold = insensitive ? lower : (value: unknown) => value;
  const { value } = clause;
  switch (clause.operator ?? "eq") {
    case "eq":
      if (value === null) return stored === null;
      return fold(stored) === fold(value);
    case "ne":
      if (value === null) return stored !== null;
      return fold(stored) !== fold(value);
    case "lt":
      return value !== null && stored !== null && compare(stored, value) < 0;
    case "lte":
      return value !== null && stored !== null && compare(stored, value) <= 0;
    case "gt":
      return value !== null && stored !== null && compare(stored, value) > 0;
    case "gte":
      return value !== null && stored !== null && compare(stored, value) >= 0;
    case "in":
      return Array.isArray(value) && value.some((item) => fold(item) === fold(stored));
    case "not_in":
      return Array.isArray(value) && !value.some((item) => fold(item) === fold(stored));
    case "contains":
      if (Array.isArray(stored)) return stored.some((item) => fold(item) === fold(value));
      return (
        typeof stored === "string" && typeof value === "string" && String(fold(stored)).includes(String(fold(value)))
      );
    case "starts_with":
      return (
        typeof stored === "string" && typeof value === "string" && String(fold(stored)).startsWith(String(fold(value)))
      );
    case "ends_with":
      return (
        typeof stored === "string" && typeof value === "string" && String(fold(stored)).endsWith(String(fold(value)))
      );
  }
}

/**
 * Whether a row satisfies a where list, combined the way Better Auth's SQL
 * adapters do it: every AND clause holds, and if there are OR clauses, at
 * least one of them holds.
 */
export function matchesWhere(row: Row, where: readonly Where[]): boolean {
  let anyOr = false;
  let orMatched = false;
  for (const clause of where) {
    if (clause.connector === "OR") {
      anyOr = true;
      if (!orMatched && matchesClause(row, clause)) orMatched = true;
    } else if (!matchesClause(row, clause)) {
      return false;
    }
  }
  return !anyOr || orMatched;
}

/** Orders rows by one field; nulls first ascending, like SQL's default for most engines here. */
export function compareRows(a: Row, b: Row, field: string, direction: "asc" | "desc"): number {
  const left = fieldValue(a, field) ?? null;
  const right = fieldValue(b, field) ?? null;
  let result: number;
  if (left === null || right === null) result = left === right ? 0 : left === null ? -1 : 1;
  else result = compare(left, right);
  if (result === 0) result = compare(a._creationTime, b._creationTime);
  return direction === "asc" ? result : -result;
}
