/**
 * The paginated answers of `_system/cli/tables` and `_system/cli/tableData`
 * (`npx convex data [table]`): `{page, isDone, continueCursor}` pages the
 * CLI's `runSystemPaginatedQuery` walks, read from the engine's committed data.
 */
import type { Value } from "convex/values";
import type { AdminData } from "../engine/admin-data.ts";

/** A Convex `PaginationResult`. */
export type Page = { page: Value[]; isDone: boolean; continueCursor: string };

/** The largest page one call answers, as the backend's system queries cap their reads. */
const MAXIMUM_ROWS_READ = 10_000;
const END_CURSOR = "_end_cursor";

type PaginationOpts = { numItems: number; cursor: string | null };

/** Reads `paginationOpts` the way `paginationOptsValidator` accepts it; throws on anything else. */
export function readPaginationOpts(args: Record<string, unknown>): PaginationOpts {
  const opts = args.paginationOpts as { numItems?: unknown; cursor?: unknown } | undefined;
  if (
    typeof opts !== "object" ||
    opts === null ||
    typeof opts.numItems !== "number" ||
    !(opts.cursor === null || typeof opts.cursor === "string")
  ) {
    throw new Error("ArgumentValidationError: `paginationOpts` must be {numItems: number, cursor: string | null}.");
  }
  return { numItems: Math.max(1, Math.min(MAXIMUM_ROWS_READ, Math.floor(opts.numItems))), cursor: opts.cursor };
}

/** Items after the cursor, up to `numItems`; the cursor is the position key of the last item sent. */
function paginate<T>(
  items: T[],
  opts: PaginationOpts,
  keyOf: (item: T) => string,
  isAfter: (item: T, cursor: string) => boolean,
): { items: T[]; isDone: boolean; continueCursor: string } {
  if (opts.cursor === END_CURSOR) return { items: [], isDone: true, continueCursor: END_CURSOR };
  const start = opts.cursor === null ? 0 : items.findIndex((item) => isAfter(item, opts.cursor!));
  const rest = start === -1 ? [] : items.slice(start);
  const taken = rest.slice(0, opts.numItems);
  const isDone = taken.length === rest.length;
  const last = taken.at(-1);
  return { items: taken, isDone, continueCursor: isDone || last === undefined ? END_CURSOR : keyOf(last) };
}

/**
 * A page of the user tables (`{name}`) of a component, by name.
 *
 * @example
 * ```ts
 * tablesPage(engine.adminData, "", { paginationOpts: { numItems: 100, cursor: null } });
 * ```
 */
export function tablesPage(data: AdminData, componentPath: string, args: Record<string, unknown>): Page {
  const names = data.tableNames(componentPath).filter((name) => !name.startsWith("_"));
  const result = paginate(
    names,
    readPaginationOpts(args),
    (name) => name,
    (name, cursor) => name > cursor,
  );
  return { page: result.items.map((name) => ({ name })), isDone: result.isDone, continueCursor: result.continueCursor };
}

/**
 * A page of a table's documents by creation time (`order` `"asc"` or
 * `"desc"`), system tables (`_storage`, `_scheduled_functions`) included.
 *
 * @example
 * ```ts
 * tableDataPage(engine.adminData, "", { table: "messages", order: "desc", paginationOpts: { numItems: 101, cursor: null } });
 * ```
 */
export function tableDataPage(data: AdminData, componentPath: string, args: Record<string, unknown>): Page {
  const { table, order } = args;
  if (typeof table !== "string") throw new Error("ArgumentValidationError: `table` must be a string.");
  if (order !== "asc" && order !== "desc") throw new Error('ArgumentValidationError: `order` must be "asc" or "desc".');
  const sign = order === "asc" ? 1 : -1;
  const compare = (a: { _creationTime: number; _id: string }, b: { _creationTime: number; _id: string }) =>
    sign * (a._creationTime - b._creationTime || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  const documents = data.documents(componentPath, table).sort(compare);
  const result = paginate(
    documents,
    readPaginationOpts(args),
    (document) => JSON.stringify([document._creationTime, document._id]),
    (document, cursor) => {
      const [creationTime, id] = JSON.parse(cursor) as [number, string];
      return compare(document, { _creationTime: creationTime, _id: id }) > 0;
    },
  );
  return { page: result.items as Value[], isDone: result.isDone, continueCursor: result.continueCursor };
}
