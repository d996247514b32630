import type { Where } from "../component-api/validators.js";

// Dates become epoch milliseconds in one place, for data and where values
// alike (including the arrays of `in`), on their way to the component.
function toStored(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map(toStored);
  return value;
}

/** Better Auth where clauses with every default spelled out and dates as epoch ms. */
export function cleanWhere(where: readonly any[] | undefined): Where[] {
  return (where ?? []).map((clause) => ({
    field: clause.field,
    operator: clause.operator ?? "eq",
    value: toStored(clause.value) as Where["value"],
    connector: clause.connector ?? "AND",
    mode: clause.mode ?? "sensitive",
  }));
}

/** Better Auth row data with dates as epoch ms. */
export function cleanData(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, toStored(value)]));
}
