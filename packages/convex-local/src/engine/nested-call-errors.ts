/**
 * Errors crossing a nested function call (`ctx.runQuery`, `ctx.runMutation`,
 * `ctx.runAction`, component calls) the way they cross it on Convex: the
 * callee's error becomes the backend's text for it (`Uncaught Error: boom`
 * plus the callee's frames) and reaches the caller as a new `Error` with that
 * message, or a `ConvexError` with that message and the same `data`. So an
 * uncaught one reads `Uncaught Error: Uncaught Error: boom …` at the top, and
 * the callee's error class does not survive the boundary.
 *
 * convex-test hands the callee's error object itself to the caller. In
 * queries and mutations nested calls go through the `1.0/runUdf` syscall;
 * in actions and HTTP actions convex-test puts its own `runQuery`/… on the
 * ctx, so those are wrapped on the ctx.
 */
import { ConvexError, convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";
import { wrapSyscalls, type InternalGlobal } from "./convex-test-internals.ts";
import { uncaughtErrorText } from "./format-run-error.ts";
import { BackendError } from "./backend-error.ts";
import { FunctionResolutionError } from "./resolve-function.ts";

const CONVEX_ERROR = Symbol.for("ConvexError");
const NESTED_SYSCALLS = new Set(["1.0/runUdf", "1.0/actions/query", "1.0/actions/mutation", "1.0/actions/action"]);
const WRAPPED = Symbol.for("convex-local.nestedCallErrors");

/**
 * What the caller of a nested call sees when the callee threw `error`: the
 * backend's text as the message, `data` (Convex JSON) for a `ConvexError`.
 * `convex/server` turns it into an `Error` or a `ConvexError`.
 *
 * @example
 * nestedCallError(new Error("boom")).message; // "Uncaught Error: boom\n    at handler (../convex/inner.ts:3:9)\n"
 */
export function nestedCallError(error: unknown): Error & { data?: unknown } {
  // The backend's own errors (a callee's bad arguments or return value) cross without `Uncaught`.
  const text =
    error instanceof FunctionResolutionError || error instanceof BackendError
      ? error.message
      : uncaughtErrorText(error);
  // The backend's `JsError` prints a newline after its message even without frames.
  const crossing: Error & { data?: unknown } = new Error(text.endsWith("\n") ? text : `${text}\n`);
  if (typeof error === "object" && error !== null && CONVEX_ERROR in error) {
    crossing.data = convexToJson(((error as { data?: unknown }).data ?? null) as Value);
  }
  return crossing;
}

/** What `convex/server` makes of a rejected syscall, for the calls that skip the syscall. */
function asCallerSees(crossing: Error & { data?: unknown }): Error {
  if (crossing.data === undefined) return new Error(crossing.message);
  const convexError = new ConvexError<Value>(crossing.message);
  convexError.data = jsonToConvex(crossing.data as JSONValue);
  return convexError;
}

/**
 * Converts errors of nested calls made through syscalls (queries and
 * mutations calling `ctx.runQuery`/`ctx.runMutation`, component calls).
 *
 * @example
 * convertNestedSyscallErrors(instance.global);
 */
export function convertNestedSyscallErrors(global: InternalGlobal): void {
  wrapSyscalls(global, {
    async: (original) => async (op, jsonArgs) => {
      if (!NESTED_SYSCALLS.has(op)) return await original(op, jsonArgs);
      try {
        return await original(op, jsonArgs);
      } catch (error) {
        throw nestedCallError(error);
      }
    },
  });
}

type NestedCalls = Record<
  "runQuery" | "runMutation" | "runAction",
  ((...args: unknown[]) => Promise<unknown>) | undefined
>;

/**
 * The ctx with its `runQuery`/`runMutation`/`runAction` converting errors,
 * for the ctx convex-test builds for actions and HTTP actions.
 *
 * @example
 * handler(withNestedCallErrors(ctx), args);
 */
export function withNestedCallErrors<Ctx extends object>(ctx: Ctx): Ctx {
  const calls = ctx as Ctx & Partial<NestedCalls>;
  const wrapped: Partial<NestedCalls> = {};
  for (const name of ["runQuery", "runMutation", "runAction"] as const) {
    const call = calls[name];
    if (typeof call !== "function") continue;
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await call(...args);
      } catch (error) {
        throw asCallerSees(nestedCallError(error));
      }
    };
  }
  return { ...ctx, ...wrapped };
}

/**
 * Makes the actions a module exports hand their handler a ctx from
 * {@link withNestedCallErrors}. convex-test calls an action's `_handler`
 * with its own ctx, so the handler is wrapped once per function object.
 *
 * @example
 * const module = await import(file);
 * wrapActionHandlers(module);
 */
export function wrapActionHandlers(module: Record<string, unknown>): void {
  for (const exported of Object.values(module)) {
    if (typeof exported !== "function" && (typeof exported !== "object" || exported === null)) continue;
    const fn = exported as { isAction?: unknown; _handler?: unknown; [WRAPPED]?: true };
    if (fn.isAction !== true || typeof fn._handler !== "function" || fn[WRAPPED]) continue;
    const handler = fn._handler as (ctx: object, args: unknown) => unknown;
    fn._handler = (ctx: object, args: unknown) => handler(withNestedCallErrors(ctx), args);
    fn[WRAPPED] = true;
  }
}
