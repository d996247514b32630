/**
 * Every place where convex-local relies on convex-test's private internals.
 *
 * convex-test (pinned to exactly 0.0.70) runs the functions, but keeps its
 * database, transaction manager and scheduler in a module-private "global"
 * object that it only exposes through a module-private AsyncLocalStorage.
 * Persistence needs that state, and the sorted indexes (`index-accelerator.ts`)
 * need its query resolution, so the modules in `convex-test-internals/` reach
 * them, one concept per file, and nothing else in convex-local may. This file
 * re-exports them so the rest of the engine imports from one place. The
 * `*.test.ts` files beside those modules check each assumption and name the
 * one that broke when convex-test changes.
 */
export {
  newDocumentId,
  nextCreationTime,
  stageDeletion,
  stageDocument,
  stageFile,
} from "./convex-test-internals/admin-writes.ts";
export { assertInternalsShape } from "./convex-test-internals/assert-internals-shape.ts";
export { committedFile } from "./convex-test-internals/committed-files.ts";
export { createTestInstance } from "./convex-test-internals/create-test-instance.ts";
export {
  advanceCommitTs,
  clearDatabase,
  loadDatabase,
  tableDocuments,
  type DatabaseContents,
} from "./convex-test-internals/database-contents.ts";
export { databaseComponentPath } from "./convex-test-internals/database-component-path.ts";
export { fileDigest } from "./convex-test-internals/file-digest.ts";
export { functionHandle, scheduledTargetComponent } from "./convex-test-internals/function-handle.ts";
export { hookCommits, type CommittedTransaction, type ComponentCommit } from "./convex-test-internals/hook-commits.ts";
export { hookDatabaseQueries, resolveQuery } from "./convex-test-internals/hook-database-queries.ts";
export {
  adoptDatabase,
  redirectComponents,
  runWhenIdle,
  shareTransactionManager,
} from "./convex-test-internals/instance-handover.ts";
export { committedDocument, pendingWriteIds } from "./convex-test-internals/pending-writes.ts";
export type {
  CommittedChange,
  DatabaseQueryHooks,
  InternalPaginateArgs,
  InternalQuery,
  InternalQuerySource,
  InternalRangeExpression,
  ResolvedQuerySource,
  StockResolution,
} from "./convex-test-internals/query-hook-types.ts";
export {
  decodePaginationCursor,
  fieldReader,
  indexKeyFields,
  rangeBoundValue,
} from "./convex-test-internals/query-keys.ts";
export {
  isScheduledJobStateRace,
  markScheduledJobFailed,
  rearmScheduledJob,
  type ScheduledJob,
} from "./convex-test-internals/scheduled-jobs.ts";
export { setDeploymentJwtKey } from "./convex-test-internals/set-deployment-jwt-key.ts";
export { tableNameFromId } from "./convex-test-internals/table-name-from-id.ts";
export type {
  CapturedInstance,
  DeploymentJwtKey,
  InternalDatabase,
  InternalDocument,
  InternalGlobal,
  InternalTransactionManager,
  ModuleMap,
  MutationCtxLike,
  TestInstance,
} from "./convex-test-internals/types.ts";
export {
  createValidationDatabase,
  databaseSchema,
  validateDocument,
  validatorProbe,
  type InternalTableSchema,
  type ValidatorJson,
} from "./convex-test-internals/validation-database.ts";
export { wrapSyncSyscall, wrapSyscalls } from "./convex-test-internals/wrap-syscalls.ts";
