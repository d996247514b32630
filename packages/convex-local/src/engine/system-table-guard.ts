/**
 * The backend's guard between user and system tables on document syscalls.
 * convex-test lets `db.get`, `db.patch`, `db.replace` and `db.delete` reach
 * `_storage` and `_scheduled_functions` documents and lets `db.system.get`
 * read user documents; Convex refuses both (`SystemTableError`), so an app
 * that works here would fail there.
 */
import { tableNameFromId, wrapSyscalls, type InternalGlobal } from "./convex-test-internals.ts";

/** The backend's messages (`system_table_guard` in its async syscalls). */
export const SYSTEM_TABLE_ONLY = "System tables can only be accessed with db.system.";
export const USER_TABLE_NOT_SYSTEM = "User tables cannot be accessed with db.system.";

/** Document syscalls whose id the guard checks; only `1.0/get` can be a system read. */
const GUARDED = new Set(["1.0/get", "1.0/shallowMerge", "1.0/replace", "1.0/remove"]);

/**
 * The guard's verdict for one syscall: its error message, or null when the
 * call may proceed (also for ids that name no table: the syscall itself
 * answers those).
 *
 * @example
 * systemTableViolation("1.0/get", { id: "10001_storage", isSystem: false }); // SYSTEM_TABLE_ONLY
 */
export function systemTableViolation(op: string, args: { id?: unknown; isSystem?: unknown }): string | null {
  if (!GUARDED.has(op) || typeof args.id !== "string") return null;
  const tableName = tableNameFromId(args.id);
  if (tableName === null) return null;
  const isSystemTable = tableName.startsWith("_");
  const systemRead = op === "1.0/get" && args.isSystem === true;
  if (systemRead && !isSystemTable) return USER_TABLE_NOT_SYSTEM;
  if (!systemRead && isSystemTable) return SYSTEM_TABLE_ONLY;
  return null;
}

/**
 * Installs the guard on one convex-test instance.
 *
 * @example
 * guardSystemTables(instance.global);
 */
export function guardSystemTables(global: InternalGlobal): void {
  wrapSyscalls(global, {
    async: (original) => async (op, jsonArgs) => {
      if (GUARDED.has(op)) {
        const violation = systemTableViolation(op, JSON.parse(jsonArgs) as { id?: unknown; isSystem?: unknown });
        if (violation !== null) throw new Error(violation);
      }
      return await original(op, jsonArgs);
    },
  });
}
