import { APIError } from "better-auth/api";
import { getFunctionName, type FunctionReference } from "convex/server";
import { isConvexBetterAuthError, type ConvexBetterAuthErrorCode } from "../shared/errors.js";
import { isMissingFunctionError } from "./optional-functions.js";

/**
 * Component errors that the caller's input causes, and the HTTP status
 * Better Auth answers them with. A duplicate unique value is 422, like
 * Better Auth's own "user already exists".
 */
const INPUT_ERRORS: Partial<Record<ConvexBetterAuthErrorCode, "BAD_REQUEST" | "UNPROCESSABLE_ENTITY">> = {
  INVALID_ARGUMENT: "BAD_REQUEST",
  DUPLICATE_VALUE: "UNPROCESSABLE_ENTITY",
};

/**
 * The error an adapter call rethrows: input errors from the component become
 * Better Auth `APIError`s (a 4xx with the stable code and its message, e.g.
 * 400 `INVALID_ARGUMENT` naming the field) instead of a 500 with an empty
 * body; anything else is an internal fault, logged with the operation and
 * model, and stays a 500.
 *
 * @example
 * ```ts
 * await ctx.runMutation(api.updateOne, args).catch((error) => { throw adapterError(error, "update", "user"); });
 * ```
 */
export function adapterError(error: unknown, operation: string, model: string | undefined): unknown {
  if (isConvexBetterAuthError(error)) {
    const status = INPUT_ERRORS[error.data.code];
    // Plugins spot a unique violation by its message, the way SQL drivers
    // word it (@better-auth/oauth-provider's resource links: /unique|duplicate/).
    const message =
      error.data.code === "DUPLICATE_VALUE" ? `Duplicate value: ${error.data.message}` : error.data.message;
    if (status) return new APIError(status, { code: error.data.code, message });
  }
  // A function a local install lacks is answered another way (optional-functions.ts).
  if (error instanceof APIError || isMissingFunctionError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[convex-better-auth] adapter ${operation}${model ? ` on "${model}"` : ""} failed: ${message}`);
  return error;
}

/**
 * A component function's name for logs (`adapter:updateOne`); component
 * references have no name `getFunctionName` can read in the app.
 *
 * @example
 * ```ts
 * functionLabel(components.betterAuth.adapter.updateOne); // "adapter:updateOne"
 * ```
 */
export function functionLabel(reference: FunctionReference<any, any>): string {
  try {
    return getFunctionName(reference);
  } catch {
    // "_reference/childComponent/betterAuth/adapter/updateOne"
    const path = (reference as unknown as Record<symbol, unknown>)[Symbol.for("toReferencePath")];
    return typeof path === "string" ? path.split("/").slice(-2).join(":") : "component function";
  }
}

/**
 * The 400 for a value the component could not store anyway: Better Auth
 * stores scalars, dates and flat arrays; objects and nested arrays come only
 * from malformed input, and must not reach Convex's recursive serialization.
 *
 * @example
 * ```ts
 * throw invalidValue("user", "name");
 * ```
 */
export function invalidValue(model: string, field: string): APIError {
  return new APIError("BAD_REQUEST", {
    code: "INVALID_ARGUMENT",
    message: `Invalid value for "${model}.${field}": expected a string, number, boolean, date or a flat list of them.`,
  });
}
