/**
 * Intercepting the syscalls of one convex-test instance, which it reads from
 * its private global on every call.
 */
import type { InternalGlobal } from "./types.ts";

/**
 * Intercepts the async and JS syscalls of one instance (the global `Convex`
 * object reads them from the current instance on every call).
 *
 * @example
 * wrapSyscalls(global, { async: (original) => (op, json) => original(op, json) });
 */
export function wrapSyscalls(
  global: InternalGlobal,
  wrappers: {
    async?: (original: InternalGlobal["asyncSyscall"]) => InternalGlobal["asyncSyscall"];
    js?: (original: InternalGlobal["jsSyscall"]) => InternalGlobal["jsSyscall"];
  },
): void {
  if (wrappers.async !== undefined) global.asyncSyscall = wrappers.async(global.asyncSyscall);
  if (wrappers.js !== undefined) global.jsSyscall = wrappers.js(global.jsSyscall);
}

/**
 * Intercepts the synchronous syscalls of one instance (`1.0/queryStream`,
 * `1.0/db/normalizeId`, …), which {@link wrapSyscalls} leaves alone. The
 * sync layer needs them to see which tables a query streams.
 *
 * @example
 * wrapSyncSyscall(global, (original) => (op, json) => original(op, json));
 */
export function wrapSyncSyscall(
  global: InternalGlobal,
  wrapper: (original: InternalGlobal["syscall"]) => InternalGlobal["syscall"],
): void {
  global.syscall = wrapper(global.syscall);
}
