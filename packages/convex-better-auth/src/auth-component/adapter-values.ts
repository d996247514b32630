import type { Where } from "../component-api/validators.js";
import { invalidValue } from "./adapter-errors.js";

// Dates become epoch milliseconds in one place, for data and where values
// alike (including the arrays of `in`), on their way to the component. An
// ISO string compared with a date field is a date too, as in SQL databases.
// Arrays are walked one level deep only (`in` lists, `string[]` fields):
// nothing Better Auth stores nests deeper, and input nested thousands of
// levels deep must not recurse.
function scalarToStored(value: unknown, isDate: boolean): unknown {
  if (value instanceof Date) return value.getTime();
  if (isDate && typeof value === "string") {
    const time = Date.parse(value);
    if (!Number.isNaN(time)) return time;
  }
  return value;
}

const isScalar = (value: unknown) => value === null || value instanceof Date || typeof value !== "object";

// Shape only, no recursion: a scalar, a date, or a flat list of them.
function isStorable(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(isScalar);
  return isScalar(value);
}

function toStored(value: unknown, isDate: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => scalarToStored(item, isDate));
  return scalarToStored(value, isDate);
}

/** Tells whether a stored field (physical name) of the model holds a date. */
export type IsDateField = (field: string) => boolean;

const noDates: IsDateField = () => false;

/** A where clause as Better Auth hands it to the adapter, defaults not yet applied. */
type WhereInput = { field: string; value?: unknown; operator?: string; connector?: string; mode?: string };

/**
 * Better Auth where clauses with every default spelled out, dates as epoch
 * ms, and a single value of `in` / `not_in` as a one-element list.
 */
export function cleanWhere(
  where: readonly WhereInput[] | undefined,
  isDate: IsDateField = noDates,
  model = "?",
): Where[] {
  return (where ?? []).map((clause) => {
    const operator = clause.operator ?? "eq";
    if (!isStorable(clause.value)) throw invalidValue(model, String(clause.field));
    let value = toStored(clause.value, isDate(clause.field));
    if ((operator === "in" || operator === "not_in") && !Array.isArray(value)) value = [value];
    return {
      field: clause.field,
      operator: operator as Where["operator"],
      value: value as Where["value"],
      connector: (clause.connector ?? "AND") as Where["connector"],
      mode: (clause.mode ?? "sensitive") as Where["mode"],
    };
  });
}

/** Better Auth row data with dates as epoch ms; a value no field can hold is a 400. */
export function cleanData(data: Record<string, unknown>, model = "?"): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => {
      if (!isStorable(value)) throw invalidValue(model, key);
      return [key, toStored(value, false)];
    }),
  );
}
