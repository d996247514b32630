/**
 * What a client hears when convex-local itself fails (not a function: those
 * answer 200 with the function's error). Convex's backend answers such
 * failures with a fixed message and keeps the details in its own logs; a
 * stack trace in the response would hand file paths and internals to
 * whoever sent the request.
 */

/** Convex's message for an internal failure (`INTERNAL_SERVER_ERROR_MSG` in its `errors` crate). */
export const INTERNAL_SERVER_ERROR_MESSAGE = "Your request couldn't be completed. Try again later.";

/** The `{code, message}` body of a 500. */
export type InternalErrorReply = { status: 500; body: { code: "InternalServerError"; message: string } };

/**
 * Logs `error` with its stack to stderr and builds the 500 the client gets:
 * Convex's generic message, or the stack when `devErrors` is on
 * (`convex-local start --dev-errors`).
 *
 * @example
 * ```ts
 * const reply = internalErrorReply(error, { devErrors: false, label: "POST /api/query" });
 * res.writeHead(reply.status).end(JSON.stringify(reply.body));
 * ```
 */
export function internalErrorReply(error: unknown, options: { devErrors: boolean; label: string }): InternalErrorReply {
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  console.error(`convex-local: internal error serving ${options.label}:\n${detail}`);
  return {
    status: 500,
    body: { code: "InternalServerError", message: options.devErrors ? detail : INTERNAL_SERVER_ERROR_MESSAGE },
  };
}
