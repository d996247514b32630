/**
 * The "no scan" rule of the plugin tests, as one check: every query shape a
 * plugin sends must be served by an index. Measured reads catch scans on
 * seeded tables; planning each recorded call with the component's own planner
 * catches scans on tables a test never filled.
 */
import { expect } from "vitest";
import schema, { uniqueFields } from "../component/schema.js";
import { planQuery, type QueryPlan } from "../component-api/query-plan.js";
import { describeSchema } from "../component-api/schema-info.js";
import type { SortBy, Where } from "../component-api/validators.js";
import type { MeteredCall } from "./metered-ctx.js";

/** One adapter query: a model, its where list and sort. */
export type QueryShape = { model: string; where: Where[]; sortBy?: SortBy };

/** A shape that may read a whole table (a small admin table: `jwks`, `oauthResource`). */
export type AllowedScan = { model: string; where?: "none" };

const info = describeSchema(schema, uniqueFields);

const PLANNED = new Set([
  "findOne",
  "findMany",
  "count",
  "updateOne",
  "updateMany",
  "deleteOne",
  "deleteMany",
  "consumeOne",
  "incrementOne",
]);

/** The query shape of a recorded component call, if it reads by a where list. */
export function shapeOf(call: MeteredCall): QueryShape | undefined {
  const name = call.fn.split(":").at(-1)!;
  if (!PLANNED.has(name)) return undefined;
  const args = call.args as { input?: QueryShape } & Partial<QueryShape>;
  const shape = args.input ?? args;
  if (!shape.model) return undefined;
  return { model: shape.model, where: shape.where ?? [], sortBy: shape.sortBy };
}

/** The plans the component runs for a shape: one per clause for a pure OR, as read-rows does. */
function plansOf({ model, where, sortBy }: QueryShape): QueryPlan[] {
  const table = info.get(model);
  if (!table) throw new Error(`The bundled schema has no table "${model}".`);
  if (where.length > 0 && where.every((clause) => clause.connector === "OR")) {
    return where.map((clause) => planQuery(table, [{ ...clause, connector: "AND" }]));
  }
  return [planQuery(table, where, sortBy)];
}

/**
 * The shapes that scan: planned on `by_creation_time` while they have a where
 * list or a sort, or pinning a unique field but read through another index.
 * A whole-table read (no where, no sort) is allowed only for the models in
 * `allow`; a count of a whole table is always fine (it reads every row by
 * definition).
 *
 * @example
 * ```ts
 * expect(scanningShapes([{ model: "user", where: [{ field: "email", value: "a@b.c" }] }])).toEqual([]);
 * ```
 */
export function scanningShapes(shapes: (QueryShape & { count?: boolean })[], allow: AllowedScan[] = []): QueryShape[] {
  return shapes.filter((shape) => {
    const wholeTable = shape.where.length === 0 && !shape.sortBy;
    if (wholeTable && (shape.count || allow.some((a) => a.model === shape.model))) return false;
    const plans = plansOf(shape);
    if (plans.some((plan) => plan.index === "by_creation_time")) return true;
    // An equality on a unique field must be read through it (at most one row),
    // not through another index whose range may hold many.
    const unique = info.get(shape.model)!.uniqueFields;
    const pinsUnique = shape.where.some(
      (clause) =>
        clause.connector !== "OR" &&
        (clause.operator ?? "eq") === "eq" &&
        clause.mode !== "insensitive" &&
        clause.value !== null &&
        unique.includes(clause.field),
    );
    return pinsUnique && !plans.some((plan) => plan.ids || plan.prefix.some((p) => unique.includes(p.field)));
  });
}

/**
 * Asserts the no-scan rule over a test's recorded calls: no call but a count
 * reads more than `maxReads` documents, and no call's shape scans.
 *
 * @example
 * ```ts
 * expectNoScans(metered.calls, { maxReads: 12, allow: [{ model: "jwks" }] });
 * ```
 */
export function expectNoScans(calls: MeteredCall[], options: { maxReads: number; allow?: AllowedScan[] }): void {
  const heavy = calls.filter((call) => !call.fn.endsWith(":count") && call.documentsRead > options.maxReads);
  expect(heavy.map(({ fn, model, documentsRead, args }) => ({ fn, model, documentsRead, args }))).toEqual([]);
  const shapes = calls.flatMap((call) => {
    const shape = shapeOf(call);
    return shape ? [{ ...shape, count: call.fn.endsWith(":count") }] : [];
  });
  expect(scanningShapes(shapes, options.allow)).toEqual([]);
}
