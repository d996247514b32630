/**
 * At most `limit` executions at once; the rest wait in line, first come first
 * served. Convex bounds concurrent function executions per deployment the
 * same way (its smallest deployment class, S16, runs 16 at a time): calls
 * beyond the bound wait instead of all running, so memory stays bounded
 * under a burst (60 concurrent sign-ups, each hashing a password with
 * ~32 MiB, drove an unbounded convex-local to 2.1 GB).
 */

/** A FIFO counting semaphore. */
export type ExecutionLimiter = {
  /** Runs `body` once a slot is free; the slot is released when it settles. */
  run<T>(body: () => Promise<T>): Promise<T>;
  /** Executions running now. */
  readonly active: number;
  /** Executions waiting for a slot. */
  readonly waiting: number;
  /** The most that ever ran at once. */
  readonly peak: number;
};

/**
 * Creates a limiter with `limit` slots (a positive integer).
 *
 * @example
 * const limiter = createExecutionLimiter(16);
 * const result = await limiter.run(() => engine.run(request));
 */
export function createExecutionLimiter(limit: number): ExecutionLimiter {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`The concurrency limit must be a positive integer, got ${limit}.`);
  const queue: (() => void)[] = [];
  let active = 0;
  let peak = 0;

  const acquire = (): Promise<void> | void => {
    if (active < limit) {
      active += 1;
      peak = Math.max(peak, active);
      return;
    }
    // The releasing execution hands its slot over, so `active` stays put.
    return new Promise<void>((resolve) => queue.push(resolve));
  };
  const release = () => {
    const next = queue.shift();
    if (next !== undefined) next();
    else active -= 1;
  };

  return {
    async run(body) {
      await acquire();
      try {
        return await body();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    get peak() {
      return peak;
    },
  };
}
