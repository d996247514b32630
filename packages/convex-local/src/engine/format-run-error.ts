/**
 * Turns an error thrown by a function call into the Convex backend's
 * development-deployment error text, plus `ConvexError` data: `Uncaught
 * <name>: <message>` (the error's own name, a `ConvexError` subclass's too)
 * and the source-mapped user frames (`user-stack.ts`).
 */
import { randomBytes } from "node:crypto";
import { BackendError } from "./backend-error.ts";
import { ActionTimeoutError, UserCodeFault } from "./fault-containment.ts";
import { FunctionResolutionError } from "./resolve-function.ts";
import type { FunctionRuntime } from "./run-context.ts";
import { withFrames } from "./user-stack.ts";

const CONVEX_ERROR = Symbol.for("ConvexError");

/**
 * A new request id in the backend's format (16 hex digits).
 *
 * @example
 * newRequestId(); // "3f1c0a9be2d47a10"
 */
export function newRequestId(): string {
  return randomBytes(8).toString("hex");
}

/** Seconds the way Node's executor prints them (`600s`, `0.5s`). */
function nodeSeconds(ms: number): string {
  return `${ms / 1000}s`;
}

/** A duration the way the backend's Rust `Debug` prints it (`600s`, `1.5s`, `500ms`). */
function rustDuration(ms: number): string {
  return ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * `Uncaught <name>: <message>`, as the backend's `format_uncaught_error`.
 *
 * @example
 * uncaught("TypeError", "x is not a function"); // "Uncaught TypeError: x is not a function"
 */
export function uncaught(name: string, message: string): string {
  if (name !== "" && message !== "") return `Uncaught ${name}: ${message}`;
  if (name !== "") return `Uncaught ${name}`;
  return message === "" ? "Uncaught" : `Uncaught ${message}`;
}

/**
 * The text of a fault: Node's executor names the process event
 * (`Uncaught unhandledRejection: boom`); the isolate reports the error itself.
 */
function faultText(fault: UserCodeFault, runtime: FunctionRuntime | null): string {
  const { thrown } = fault;
  if (runtime === "node") return withFrames(uncaught(fault.event, fault.message), thrown);
  return thrown instanceof Error
    ? withFrames(uncaught(thrown.name, thrown.message), thrown)
    : uncaught("", String(thrown));
}

/**
 * The text the backend gives an error thrown by a function (`JsError`):
 * `Uncaught <name>: <message>` plus the user frames. A `ConvexError`
 * subclass keeps its own `name`.
 *
 * @example
 * uncaughtErrorText(new TypeError("boom")); // "Uncaught TypeError: boom\n    at handler (../convex/a.ts:3:9)\n"
 */
export function uncaughtErrorText(error: unknown): string {
  if (!(error instanceof Error)) return uncaught("", String(error));
  return withFrames(uncaught(error.name, error.message), error);
}

/**
 * What the backend says of a call that ran past its time limit: Node's
 * executor names the action, the isolate only the limit.
 *
 * @example
 * timeoutMessage(new ActionTimeoutError(600_000, "hang"), "node"); // "Action `hang` execution timed out (maximum duration 600s)"
 */
export function timeoutMessage(error: ActionTimeoutError, runtime: FunctionRuntime | null): string {
  return runtime === "node"
    ? `Action \`${error.exportName}\` execution timed out (maximum duration ${nodeSeconds(error.limitMs)})`
    : `Function execution timed out (maximum duration: ${rustDuration(error.limitMs)})`;
}

/**
 * The error message and `ConvexError` data of a failed call. `runtime` is
 * the runtime of the called function, when it was resolved.
 *
 * @example
 * formatRunError(new Error("boom"), "3f1c0a9be2d47a10").errorMessage;
 * // "[Request ID: 3f1c0a9be2d47a10] Server Error\nUncaught Error: boom"
 */
export function formatRunError(
  error: unknown,
  requestId: string,
  runtime: FunctionRuntime | null = null,
): { errorMessage: string; errorData?: unknown } {
  const prefix = `[Request ID: ${requestId}] Server Error\n`;
  if (error instanceof FunctionResolutionError || error instanceof BackendError)
    return { errorMessage: prefix + error.message };
  if (error instanceof UserCodeFault) return { errorMessage: prefix + faultText(error, runtime) };
  if (error instanceof ActionTimeoutError) return { errorMessage: prefix + timeoutMessage(error, runtime) };
  const isConvexError = typeof error === "object" && error !== null && CONVEX_ERROR in error;
  const errorMessage = prefix + uncaughtErrorText(error);
  if (!isConvexError) return { errorMessage };
  return { errorMessage, errorData: (error as { data?: unknown }).data };
}
