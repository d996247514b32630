import { ConvexError } from "convex/values";

/**
 * Every code that convex-better-auth puts in a `ConvexError` it throws across a
 * Convex function boundary. Clients branch on `error.data.code`, never on the
 * message, so codes are stable and only ever added to.
 */
export const CONVEX_BETTER_AUTH_ERROR_CODES = {
  /** No signed-in user: no identity, no session, an expired or revoked session. */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /** The model (table) is not in the component's schema. */
  UNKNOWN_MODEL: "UNKNOWN_MODEL",
  /** A field is not in the table's schema. */
  UNKNOWN_FIELD: "UNKNOWN_FIELD",
  /** A value has the wrong type for its field, or a where clause is malformed. */
  INVALID_ARGUMENT: "INVALID_ARGUMENT",
  /** A write would give two rows the same value in a unique field. */
  DUPLICATE_VALUE: "DUPLICATE_VALUE",
  /** A query fits no index and would read more documents than the scan bound allows. */
  SCAN_LIMIT_EXCEEDED: "SCAN_LIMIT_EXCEEDED",
  /** A write was attempted from a query ctx, which cannot write. */
  WRITE_IN_QUERY_CTX: "WRITE_IN_QUERY_CTX",
  /** A helper got a different kind of Convex ctx than it needs (e.g. a query ctx where an action ctx is required). */
  WRONG_CTX: "WRONG_CTX",
  /** A Better Auth transaction outlived its timeout (or was already finished) and was rolled back. */
  TRANSACTION_EXPIRED: "TRANSACTION_EXPIRED",
  /** An atomic increment lost every retry to concurrent writers of the same row. */
  WRITE_CONFLICT: "WRITE_CONFLICT",
} as const;

/** One of {@link CONVEX_BETTER_AUTH_ERROR_CODES}. */
export type ConvexBetterAuthErrorCode =
  (typeof CONVEX_BETTER_AUTH_ERROR_CODES)[keyof typeof CONVEX_BETTER_AUTH_ERROR_CODES];

/** The `data` payload of every `ConvexError` this library throws. */
export type ConvexBetterAuthErrorData = {
  code: ConvexBetterAuthErrorCode;
  message: string;
  [key: string]: string | number | boolean | null | string[] | undefined;
};

/**
 * Build the `ConvexError` for `code`. `ConvexError` is the only error whose
 * payload survives a Convex function boundary, so every error this library
 * means callers to handle goes through here.
 *
 * @example
 * ```ts
 * throw convexBetterAuthError("UNKNOWN_MODEL", `Unknown model "${model}"`, { model });
 * ```
 */
export function convexBetterAuthError(
  code: ConvexBetterAuthErrorCode,
  message: string,
  extra: Record<string, string | number | boolean | null | string[] | undefined> = {},
): ConvexError<ConvexBetterAuthErrorData> {
  const data = { ...extra, code, message } as ConvexBetterAuthErrorData;
  const error = new ConvexError(data);
  // ConvexError's own message is the JSON of its data; a readable one helps
  // logs without losing the structured payload.
  error.message = `[${code}] ${message}`;
  return error;
}

/**
 * True when `error` is a `ConvexError` thrown by convex-better-auth, optionally
 * with a given code. Works across package copies and across the Convex
 * function boundary (it checks the payload, not the class).
 *
 * @example
 * ```ts
 * try {
 *   await authComponent.getAuthUser(ctx);
 * } catch (error) {
 *   if (isConvexBetterAuthError(error, "UNAUTHENTICATED")) return null;
 *   throw error;
 * }
 * ```
 */
export function isConvexBetterAuthError(
  error: unknown,
  code?: ConvexBetterAuthErrorCode,
): error is ConvexError<ConvexBetterAuthErrorData> {
  if (typeof error !== "object" || error === null) return false;
  const data = (error as { data?: unknown }).data;
  if (typeof data !== "object" || data === null) return false;
  const found = (data as { code?: unknown }).code;
  if (typeof found !== "string" || !(found in CONVEX_BETTER_AUTH_ERROR_CODES)) return false;
  return code === undefined || found === code;
}
