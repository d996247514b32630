/**
 * Options of {@link backoffDelay}.
 *
 * @internal
 */
export type BackoffOptions = {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Random number in [0, 1). */
  random: () => number;
  /** The server's `Retry-After`, honoured up to `maxDelayMs`. */
  retryAfterMs?: number | undefined;
};

/**
 * The wait before retry number `attempt` (1-based): exponential from
 * `baseDelayMs`, capped at `maxDelayMs`, with "equal jitter" — at least half
 * the step, so retries stay spaced out, plus a random rest, so many tabs do
 * not retry in lockstep. A `Retry-After` lengthens it, never past the cap.
 *
 * @example
 * ```ts
 * backoffDelay(3, { baseDelayMs: 500, maxDelayMs: 30_000, random: () => 0.5 }); // 1500
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const jittered = step / 2 + options.random() * (step / 2);
  return Math.min(options.maxDelayMs, Math.max(jittered, options.retryAfterMs ?? 0));
}

/**
 * Wait `ms`, or less when `signal` aborts. Never rejects: waking early is
 * how callers cut a backoff short.
 *
 * @example
 * ```ts
 * await abortableSleep(1000, controller.signal);
 * ```
 */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}
