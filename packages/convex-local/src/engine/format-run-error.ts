/**
 * Turns an error thrown by a function call into the Convex backend's
 * development-deployment error text, plus `ConvexError` data.
 */
import { randomBytes } from "node:crypto";
import { FunctionResolutionError } from "./resolve-function.ts";

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

/**
 * The error message and `ConvexError` data of a failed call.
 *
 * @example
 * formatRunError(new Error("boom"), "3f1c0a9be2d47a10").errorMessage;
 * // "[Request ID: 3f1c0a9be2d47a10] Server Error\nUncaught Error: boom"
 */
export function formatRunError(error: unknown, requestId: string): { errorMessage: string; errorData?: unknown } {
  const prefix = `[Request ID: ${requestId}] Server Error\n`;
  if (error instanceof FunctionResolutionError) return { errorMessage: prefix + error.message };
  const isConvexError = typeof error === "object" && error !== null && CONVEX_ERROR in error;
  const name = isConvexError ? "ConvexError" : error instanceof Error ? error.name : null;
  const message = error instanceof Error ? error.message : String(error);
  const errorMessage = `${prefix}Uncaught ${name === null ? message : `${name}: ${message}`}`;
  if (!isConvexError) return { errorMessage };
  return { errorMessage, errorData: (error as { data?: unknown }).data };
}
