/**
 * Handing the live state of one convex-test instance to a newer one (a push
 * of new code or schema): shared transaction manager, adopted databases,
 * redirected components, all swapped while no transaction runs.
 */
import { reportDatabaseReset } from "./hook-database-queries.ts";
import type { InternalDatabase, InternalGlobal, InternalTransactionManager } from "./types.ts";

/**
 * Makes every instance of an engine share one transaction manager, so
 * transactions of an old deployment (in-flight actions, armed scheduler
 * timers) and of the new one are serialized and all go through the commit hook.
 *
 * @example
 * shareTransactionManager(next.global, first.global.transactionManager);
 */
export function shareTransactionManager(global: InternalGlobal, transactionManager: InternalTransactionManager): void {
  global.transactionManager = transactionManager;
}

/**
 * Runs `action` synchronously at a moment when no top-level transaction runs
 * (convex-test serializes them behind `_waitOnCurrentFunction`), so it can
 * swap databases without a transaction seeing both sides.
 *
 * @example
 * await runWhenIdle(tm, () => adoptDatabase(next.global, "", liveDb));
 */
export async function runWhenIdle<T>(transactionManager: InternalTransactionManager, action: () => T): Promise<T> {
  while (transactionManager._waitOnCurrentFunction !== null) {
    await transactionManager._waitOnCurrentFunction;
  }
  return action();
}

/**
 * Keeps using `liveDb` (with its documents and the scheduler timers that hold
 * it) under the schema of a newly created instance. Call with no transaction running.
 *
 * @example
 * adoptDatabase(next.global, "", liveRootDb);
 */
export function adoptDatabase(global: InternalGlobal, componentPath: string, liveDb: InternalDatabase): void {
  const entry = global.components[componentPath];
  if (entry === undefined) throw new Error(`Component "${componentPath}" is not registered on the new instance`);
  liveDb._schema = entry.db._schema;
  // Its indexes may have been added, removed or redefined.
  reportDatabaseReset(liveDb);
  entry.db = liveDb;
}

/**
 * Points an older instance's components at the newer instance's entries, so
 * in-flight actions and armed timers of the old instance call the new code.
 *
 * @example
 * redirectComponents(previous.global, next.global);
 */
export function redirectComponents(from: InternalGlobal, to: InternalGlobal): void {
  for (const [componentPath, entry] of Object.entries(to.components)) {
    from.components[componentPath] = entry;
  }
}
