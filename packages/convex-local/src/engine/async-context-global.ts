/**
 * Gives function code a real `AsyncLocalStorage` as a global.
 *
 * The Convex backend runs one function at a time per isolate, so libraries
 * bundled for it (Better Auth's `async_hooks/pure` entry among them) fall back
 * to a "store in a variable" polyfill when `globalThis.AsyncLocalStorage` is
 * missing: correct there, since no other request can run in between. In
 * convex-local every request shares one Node process and interleaves at each
 * await, so that polyfill leaks one request's store into the next: a sign-up
 * ran inside another request's Better Auth transaction. Node's own
 * `AsyncLocalStorage` keeps each request's store to itself, as separate
 * isolates would.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Installs Node's `AsyncLocalStorage` as `globalThis.AsyncLocalStorage`
 * unless something already provides one. Idempotent.
 *
 * @example
 * installAsyncContextGlobal();
 * new (globalThis as any).AsyncLocalStorage().run(1, () => {});
 */
export function installAsyncContextGlobal(): void {
  const scope = globalThis as { AsyncLocalStorage?: unknown };
  if (typeof scope.AsyncLocalStorage !== "function") scope.AsyncLocalStorage = AsyncLocalStorage;
}
