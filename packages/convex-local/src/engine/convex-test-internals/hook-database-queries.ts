/**
 * Routing query resolution, pagination and commits of every convex-test
 * database through the sorted indexes of `index-accelerator.ts`, by patching
 * convex-test's unexported `DatabaseFake.prototype` once per process.
 */
import { fail } from "./fail.ts";
import type {
  DatabaseQueryHooks,
  InternalPaginateArgs,
  InternalQuery,
  ResolvedQuerySource,
} from "./query-hook-types.ts";
import { tableNameFromId } from "./table-name-from-id.ts";
import type { InternalDatabase } from "./types.ts";
import { createValidationDatabase } from "./validation-database.ts";

/** The hooks {@link hookDatabaseQueries} installed, or null (convex-test answers alone). */
let databaseHooks: DatabaseQueryHooks | null = null;

type PatchableDatabase = InternalDatabase & {
  _resolveQuerySource(query: InternalQuery): ResolvedQuerySource;
  paginate(args: InternalPaginateArgs): unknown;
  commit(commitTs?: unknown): unknown;
};

const patchedPrototypes = new WeakSet<object>();

/** Runs convex-test's `_resolveQuerySource` with the committed documents hidden. */
function resolvePendingOnly(
  db: PatchableDatabase,
  stock: PatchableDatabase["_resolveQuerySource"],
  query: InternalQuery,
): ResolvedQuerySource {
  // `_iterateDocs` visits `_tableIds` plus the ids in `_writes`; with no
  // table ids it visits exactly the pending writes. Synchronous, so no other
  // code sees the swap.
  const saved = db._tableIds;
  db._tableIds = new Map();
  try {
    return stock.call(db, query);
  } finally {
    db._tableIds = saved;
  }
}

/**
 * Routes query resolution, pagination and top-level commits of every
 * convex-test database in the process through `hooks` (null: convex-test's
 * own code only). The methods live on `DatabaseFake.prototype`, which
 * convex-test doesn't export; it is reached through a probe instance and
 * patched once per process.
 *
 * @example
 * hookDatabaseQueries({
 *   resolveQuerySource: (db, query, stock) => stock.all(),
 *   paginate: (db, args, stock) => stock(),
 *   committed() {},
 *   reset() {},
 * });
 */
export function hookDatabaseQueries(hooks: DatabaseQueryHooks | null): void {
  databaseHooks = hooks;
  const proto = Object.getPrototypeOf(createValidationDatabase(null)) as PatchableDatabase;
  if (patchedPrototypes.has(proto)) return;
  for (const method of ["_resolveQuerySource", "paginate", "commit"] as const) {
    if (typeof proto[method] !== "function") fail(`DatabaseFake.prototype.${method}() is missing`);
  }
  const stockResolve = proto._resolveQuerySource;
  const stockPaginate = proto.paginate;
  const stockCommit = proto.commit;
  proto._resolveQuerySource = function resolveQuerySource(this: PatchableDatabase, query) {
    if (databaseHooks === null) return stockResolve.call(this, query);
    return databaseHooks.resolveQuerySource(this, query, {
      all: () => stockResolve.call(this, query),
      pendingOnly: () => resolvePendingOnly(this, stockResolve, query),
    });
  };
  proto.paginate = function paginate(this: PatchableDatabase, args) {
    if (databaseHooks === null) return stockPaginate.call(this, args);
    return databaseHooks.paginate(this, args, () => stockPaginate.call(this, args));
  };
  proto.commit = function commit(this: PatchableDatabase, commitTs?: unknown) {
    // Only the outermost commit moves writes into `_documents`; nested ones merge them one level up.
    const top = databaseHooks !== null && this._writes.length === 1 ? this._writes[0]! : null;
    const before = top === null ? [] : Object.keys(top).map((id) => [id, this._documents[id] ?? null] as const);
    const result = stockCommit.call(this, commitTs);
    if (top !== null && databaseHooks !== null) {
      const changes = before.map(([id, previous]) => ({
        id,
        tableName: tableNameFromId(id) ?? "",
        before: previous,
        after: this._documents[id] ?? null,
      }));
      try {
        databaseHooks.committed(this, changes);
      } catch (error) {
        // The commit already happened; throwing here would break convex-test's
        // transaction state. Forgetting derived state keeps answers correct.
        console.error("A convex-local database commit hook threw", error);
        databaseHooks.reset(this);
      }
    }
    return result;
  };
  patchedPrototypes.add(proto);
}

/**
 * Tells the installed hooks that `db`'s documents or schema were replaced
 * without a commit (load, clear, schema push), so they drop what they derived
 * from the old ones. Does nothing when no hooks are installed.
 *
 * @example
 * reportDatabaseReset(db);
 */
export function reportDatabaseReset(db: InternalDatabase): void {
  databaseHooks?.reset(db);
}

/**
 * Resolves `query` on `db` the way a stream or page would (through the
 * installed hooks), for a `paginate` hook that pages a source itself.
 *
 * @example
 * const { sortedDocs, filterFn } = resolveQuery(db, args.query);
 */
export function resolveQuery(db: InternalDatabase, query: InternalQuery): ResolvedQuerySource {
  return (db as PatchableDatabase)._resolveQuerySource(query);
}
