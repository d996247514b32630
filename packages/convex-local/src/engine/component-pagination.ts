/**
 * `paginate()` works only in the app, as on Convex: the backend's
 * `1.0/queryPage` syscall refuses it in any non-root component with the
 * bad-request error `PaginationUnsupportedInComponents` (its system functions
 * aside, which convex-local answers without `paginate`). A bad request from a
 * syscall reaches the function as a catchable `Error` carrying only the
 * message (the short code stays in the backend), so an uncaught one reads
 * `Uncaught Error: paginate() is only supported in the app. …` and, crossing
 * back into the app's calling function, is wrapped like any callee's error.
 *
 * convex-test pages in every component; a library component that paginates
 * passed every local test and failed on Convex.
 */
import { databaseComponentPath, type InternalDatabase } from "./convex-test-internals.ts";

/** The backend's message, word for word (`async_syscall.rs`, `queryPage`). */
export const PAGINATION_UNSUPPORTED_IN_COMPONENTS =
  "paginate() is only supported in the app. Learn more at https://docs.convex.dev/components/authoring#pagination";

/**
 * Throws the backend's error when `db` is a component's database: a
 * function of that component is paginating.
 *
 * @throws Error with {@link PAGINATION_UNSUPPORTED_IN_COMPONENTS} (Convex's code: `PaginationUnsupportedInComponents`).
 * @example
 * refusePaginationInComponents(db); // before answering a `paginate` call
 */
export function refusePaginationInComponents(db: InternalDatabase): void {
  if (databaseComponentPath(db) !== "") throw new Error(PAGINATION_UNSUPPORTED_IN_COMPONENTS);
}
