/**
 * The errors the Convex backend reports when it refuses work for load, not
 * because of the function, in the shapes clients see them. Source: the
 * backend's `crates/errors/src/lib.rs` (`ErrorMetadata`, `http_status_code`,
 * `close_frame`) and `crates/application/src/application_function_runner`
 * (the concurrency limiter), read at get-convex/convex-backend 94a42c3:
 *
 * - A call that waited longer than the limiter allows for a slot (5 s for
 *   queries and mutations, 10 s for actions; convex-local waits without bound
 *   unless `--queue-timeout-ms` sets one) is `RateLimited` with the short
 *   code `TooManyConcurrentRequests`: over HTTP a **429** with
 *   `{"code":"TooManyConcurrentRequests","message":"Too many concurrent
 *   requests. Your backend is limited to 16 concurrent mutations. …"}`; on
 *   the sync WebSocket the socket **closes with 1013** ("try again") and
 *   reason `TooManyConcurrentRequests`. The client then reconnects after
 *   its backoff for that reason (3 s) and re-sends its mutations; actions in
 *   flight fail with "Connection lost while action was in flight".
 * - A mutation whose reads kept being overwritten (OCC, after its retries) is
 *   the same family: 503 `{"code":"OptimisticConcurrencyControlFailure",
 *   "message":"Documents read from or written to the \"t\" table changed
 *   while this mutation was being run and on every subsequent retry. …"}`, or
 *   a 1013 close with that reason. convex-local never reports it: convex-test
 *   runs transactions one at a time, so no mutation's reads can change under
 *   it (`overload-errors.test.ts` pins that no update is lost).
 */
import { CodedError, isCodedError } from "../deploy/coded-error.ts";

/** RFC 6455 1013 "Try Again Later": the close code of the backend's load errors. */
export const CLOSE_TRY_AGAIN = 1013;

/** A refusal for load: a {@link CodedError} (HTTP status and code) that also closes a sync socket. */
export class OverloadError extends CodedError {
  /** The WebSocket close code; the reason is `code`. */
  readonly closeCode = CLOSE_TRY_AGAIN;
  constructor(code: string, message: string, status: number) {
    super(code, message, status);
    this.name = "OverloadError";
  }
}

/**
 * The backend's `TooManyConcurrentRequests` for a call that waited too long
 * for one of `limit` slots of its `udfType` (`"query"`, `"mutation"`,
 * `"action"`); the last sentence names convex-local's knob instead of a plan.
 *
 * @example
 * throw tooManyConcurrentRequests(16, "mutation"); // 429, closes a socket with 1013
 */
export function tooManyConcurrentRequests(limit: number, udfType: string): OverloadError {
  return new OverloadError(
    "TooManyConcurrentRequests",
    `Too many concurrent requests. Your backend is limited to ${limit} concurrent ${udfType}s. ` +
      "Raise convex-local's --max-concurrency (or --queue-timeout-ms) to get more resources.",
    429,
  );
}

/**
 * The close frame a sync socket ends with for `error`: 1013 with the short
 * code (cut to the 123 bytes a close reason may have) for an
 * {@link OverloadError}, null for anything else.
 *
 * @example
 * const frame = closeFrameOf(error);
 * if (frame) socket.close(frame.code, frame.reason);
 */
export function closeFrameOf(error: unknown): { code: number; reason: string } | null {
  if (!isCodedError(error) || (error as Partial<OverloadError>).closeCode !== CLOSE_TRY_AGAIN) return null;
  return { code: CLOSE_TRY_AGAIN, reason: Buffer.from(error.code).subarray(0, 123).toString("utf8") };
}
