/**
 * At most `limit` executions at once; the rest wait in line, first come first
 * served. Convex bounds concurrent function executions per deployment the
 * same way (its smallest deployment class, S16, runs 16 at a time): calls
 * beyond the bound wait instead of all running, so memory stays bounded
 * under a burst (60 concurrent sign-ups, each hashing a password with
 * ~32 MiB, drove an unbounded convex-local to 2.1 GB).
 *
 * As on Convex, a call does not wait forever: past `waitTimeoutMs` in line
 * it is refused with the error `onWaitTimeout` makes (the backend's
 * `TooManyConcurrentRequests`, `overload-errors.ts`).
 */

/** Options of {@link createExecutionLimiter}. */
export type ExecutionLimiterOptions = {
  /** The longest a call waits for a slot, in ms; it is refused after. Default: no bound. */
  waitTimeoutMs?: number;
  /** The error a call gets when its wait times out. */
  onWaitTimeout?: () => Error;
};

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
 * const limiter = createExecutionLimiter(16, { waitTimeoutMs: 5000, onWaitTimeout: () => new Error("busy") });
 * const result = await limiter.run(() => engine.run(request));
 */
export function createExecutionLimiter(limit: number, options: ExecutionLimiterOptions = {}): ExecutionLimiter {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`The concurrency limit must be a positive integer, got ${limit}.`);
  const { waitTimeoutMs } = options;
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
    return new Promise<void>((resolve, reject) => {
      if (waitTimeoutMs === undefined) return void queue.push(resolve);
      const timer = setTimeout(() => {
        // Leaves the line without a slot: nothing to hand over.
        const index = queue.indexOf(admit);
        if (index !== -1) queue.splice(index, 1);
        reject(options.onWaitTimeout?.() ?? new Error(`Waited ${waitTimeoutMs} ms for an execution slot.`));
      }, waitTimeoutMs);
      const admit = () => {
        clearTimeout(timer);
        resolve();
      };
      queue.push(admit);
    });
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
