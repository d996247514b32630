import { getPage, type IndexKey } from "convex-helpers/server/pagination";
import type { GenericDatabaseReader, GenericDataModel, SchemaDefinition } from "convex/server";
import { convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";
import { convexBetterAuthError } from "../shared/errors.js";
import type { QueryPlan } from "./query-plan.js";
import type { TableInfo } from "./schema-info.js";

type Row = Record<string, unknown> & { _id: string; _creationTime: number };

/** Cursors of {@link readIndexPage}: the index key of the page's last row. */
export const INDEX_KEY_CURSOR = "key:";

function encodeKey(key: IndexKey): string {
  // `[]` stands for a missing field, which JSON cannot hold as such.
  return `${INDEX_KEY_CURSOR}${JSON.stringify(key.map((value) => (value === undefined ? [] : [convexToJson(value)])))}`;
}

function decodeKey(cursor: string): IndexKey {
  try {
    const parts = JSON.parse(cursor.slice(INDEX_KEY_CURSOR.length)) as JSONValue[][];
    if (!Array.isArray(parts) || !parts.every((part) => Array.isArray(part) && part.length <= 1)) throw new Error();
    return parts.map((part) => (part.length === 0 ? undefined : jsonToConvex(part[0]!)));
  } catch {
    throw convexBetterAuthError("INVALID_ARGUMENT", "The pagination cursor is malformed; start again without one.", {
      cursor: cursor.slice(0, 64),
    });
  }
}

// convex-helpers finds an index's fields in the schema; the table's own
// description has them, in the shape Convex's schema gives. Built once per
// table: pages are read on every findMany.
const schemas = new WeakMap<TableInfo, SchemaDefinition<any, boolean>>();
function schemaOf(table: TableInfo): SchemaDefinition<any, boolean> {
  let schema = schemas.get(table);
  if (!schema) {
    const indexes = table.indexes.map((index) => ({ indexDescriptor: index.name, fields: index.fields }));
    schema = { tables: { [table.name]: { indexes } } } as unknown as SchemaDefinition<any, boolean>;
    schemas.set(table, schema);
  }
  return schema;
}

/**
 * One page of a plan that reads a single index range in order (one equality
 * value per prefix field, an optional range on the next field), resuming
 * after the index key in `cursor`. Convex refuses `.paginate()` inside
 * components (`PaginationUnsupportedInComponents`), so pages are walked with
 * plain index range reads; rows up to `numItems` plus one more, to know
 * whether the range goes on.
 *
 * @example
 * ```ts
 * const { page, isDone, continueCursor } = await readIndexPage(ctx.db, table, plan, null, 100);
 * ```
 */
export async function readIndexPage(
  db: GenericDatabaseReader<GenericDataModel>,
  table: TableInfo,
  plan: QueryPlan,
  cursor: string | null,
  numItems: number,
): Promise<{ page: Row[]; isDone: boolean; continueCursor: string }> {
  const prefix: Value[] = plan.prefix.map(({ values }) => values[0]!);
  const { lower, upper } = plan.range ?? {};
  const low = { key: lower ? [...prefix, lower.value] : prefix, inclusive: lower ? lower.op === "gte" : true };
  const high = { key: upper ? [...prefix, upper.value] : prefix, inclusive: upper ? upper.op === "lte" : true };
  const [first, last] = plan.order === "asc" ? [low, high] : [high, low];
  const resume = cursor === null ? undefined : decodeKey(cursor);
  const result = await getPage(
    { db },
    {
      table: table.name,
      ...(plan.index === "by_creation_time" ? {} : { index: plan.index, schema: schemaOf(table) }),
      order: plan.order,
      startIndexKey: resume ?? first.key,
      startInclusive: resume ? false : first.inclusive,
      endIndexKey: last.key,
      endInclusive: last.inclusive,
      absoluteMaxRows: Math.max(1, numItems),
    },
  );
  const lastKey = result.indexKeys.at(-1);
  return {
    page: result.page as Row[],
    isDone: !result.hasMore,
    // An empty page that is not done cannot happen (at least one row is read).
    continueCursor: lastKey ? encodeKey(lastKey) : (cursor ?? encodeKey(first.key)),
  };
}
