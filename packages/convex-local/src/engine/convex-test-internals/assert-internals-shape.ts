/**
 * The start-up check that a captured convex-test global still has every
 * field and method the engine relies on.
 */
import { fail } from "./fail.ts";
import type { InternalGlobal } from "./types.ts";

/**
 * Throws a specific error when the captured global lacks something the engine
 * uses. Runs on every instance the engine creates, so a convex-test upgrade
 * fails at start-up instead of losing data later.
 *
 * @example
 * assertInternalsShape(instance.global);
 */
export function assertInternalsShape(global: InternalGlobal): void {
  const root = global.components[""];
  if (root === undefined) fail('`components[""]` (the root component) is missing');
  const db = root.db as unknown as Record<string, unknown>;
  for (const field of ["_documents", "_storage"]) {
    if (typeof db[field] !== "object" || db[field] === null) fail(`DatabaseFake.${field} is not an object`);
  }
  if (!(db._tableIds instanceof Map)) fail("DatabaseFake._tableIds is not a Map");
  if (typeof db._nextDocId !== "number") fail("DatabaseFake._nextDocId is not a number");
  if (typeof db._lastCreationTime !== "number") fail("DatabaseFake._lastCreationTime is not a number");
  if (!Array.isArray(db._writes)) fail("DatabaseFake._writes is not an array");
  if (!Array.isArray(db._pendingFiles)) fail("DatabaseFake._pendingFiles is not an array");
  if (!("_schema" in db)) fail("DatabaseFake._schema is missing");
  if (db.componentPath !== "") fail('DatabaseFake.componentPath is not the root\'s ""');
  for (const method of ["_validate", "insert", "patch", "get", "commit", "startTransaction"]) {
    if (typeof db[method] !== "function") fail(`DatabaseFake.${method}() is missing`);
  }
  const tm = global.transactionManager as unknown as Record<string, unknown>;
  if (typeof tm._lastCommitTs !== "bigint") fail("TransactionManager._lastCommitTs is not a bigint");
  if (!("_waitOnCurrentFunction" in tm)) fail("TransactionManager._waitOnCurrentFunction is missing");
  for (const method of ["commit", "begin", "rollback"]) {
    if (typeof tm[method] !== "function") fail(`TransactionManager.${method}() is missing`);
  }
  if (typeof global.asyncSyscall !== "function") fail("global.asyncSyscall is not a function");
  if (typeof global.jsSyscall !== "function") fail("global.jsSyscall is not a function");
  if (!("deploymentJwtKey" in global)) fail("global.deploymentJwtKey is missing");
  if (typeof global.scheduler !== "object" || global.scheduler === null) fail("global.scheduler is missing");
}
