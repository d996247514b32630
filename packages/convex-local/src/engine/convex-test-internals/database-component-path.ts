/**
 * Which component a convex-test database belongs to: each registered
 * component gets its own `DatabaseFake`, which keeps its component path.
 */
import type { InternalDatabase } from "./types.ts";

/**
 * The path of the component whose documents `db` holds (`""` for the app).
 * A function only ever reaches its own component's database, so this is also
 * the component of the function using it.
 *
 * @example
 * databaseComponentPath(instance.global.components.comp!.db); // "comp"
 */
export function databaseComponentPath(db: InternalDatabase): string {
  return db.componentPath;
}
