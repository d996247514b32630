import type { GenericDatabaseReader, GenericDataModel } from "convex/server";
import { v, type Infer } from "convex/values";
import { readFirstRows, withAuthId } from "./read-rows.js";
import { requireFields, requireTable, type SchemaInfo } from "./schema-info.js";
import { fieldValue } from "./where-filter.js";

/**
 * Better Auth's join config once its adapter factory resolved it: per joined
 * model, the fields that link it (`from` on the base row, `to` on the joined
 * one), how many rows to take, and whether one row or a list comes back.
 */
export const vJoin = v.record(
  v.string(),
  v.object({
    modelKey: v.optional(v.string()),
    on: v.object({ from: v.string(), to: v.string() }),
    limit: v.optional(v.number()),
    relation: v.optional(v.union(v.literal("one-to-one"), v.literal("one-to-many"))),
  }),
);

/** See {@link vJoin}. */
export type Join = Infer<typeof vJoin>;

type Row = Record<string, unknown> & { _id: string; _creationTime: number };

/**
 * Each joined model's rows for `row`, keyed by the model's name, read in the
 * same query: a session comes back with its user, a user with its accounts,
 * in one component call instead of one per model. Each join is an indexed
 * lookup (`to` is an id or a reference field), bounded by its limit.
 *
 * @example
 * ```ts
 * const { user } = await joinRows(ctx.db, info, session, { user: { on: { from: "userId", to: "id" }, limit: 1, relation: "one-to-one" } });
 * ```
 */
export async function joinRows(
  db: GenericDatabaseReader<GenericDataModel>,
  info: SchemaInfo,
  row: Row,
  join: Join | undefined,
): Promise<Record<string, unknown>> {
  if (!join) return {};
  const joined: Record<string, unknown> = {};
  for (const [model, config] of Object.entries(join)) {
    const table = requireTable(info, model);
    requireFields(table, [config.on.to]);
    const one = config.relation !== "one-to-many";
    const value = fieldValue(row, config.on.from);
    if (value === null || value === undefined) {
      joined[model] = one ? null : [];
      continue;
    }
    const limit = one ? 1 : Math.max(0, Math.min(config.limit ?? 100, 1000));
    const rows =
      limit === 0 ? [] : await readFirstRows(db, table, [{ field: config.on.to, value: value as string }], limit);
    joined[model] = one ? (rows[0] ? withAuthId(rows[0]) : null) : rows.map(withAuthId);
  }
  return joined;
}
