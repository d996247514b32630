/** A successful mutation as its MutationResponse reports it. */
export type CompletedMutation = { result: unknown; ts: bigint; logLines: string[] };

/** The outcome of one socket mutation: success carries its commit ts. */
export type MutationOutcome =
  | ({ status: "success" } & CompletedMutation)
  | { status: "error"; errorMessage: string; errorData?: unknown; logLines: string[] };

/** Successful mutations remembered for replay after a reconnect. */
const MAX_REMEMBERED_MUTATIONS = 10_000;

/**
 * Exactly-once execution of socket mutations across reconnects, keyed by
 * `(sessionId, requestId)` the way the Convex backend keys it. A client
 * re-sends every mutation it has not seen reflected in a Transition, so:
 * a completed success is answered from memory with its original commit ts,
 * and a re-send that arrives while the first attempt still runs (the old
 * socket died mid-mutation) waits for that attempt instead of running again.
 * Failures are not remembered: running a failed mutation again is harmless.
 *
 * The log itself lives in memory; what survives a restart is the engine's
 * durable record of each socket mutation, written with its commit
 * (`engine/mutation-dedup-store.ts`), which `run()` consults through
 * `recall` before running anything.
 *
 * @example
 * ```ts
 * const log = new SyncMutationLog();
 * const outcome = await log.run(`${sessionId}:${requestId}`, () => runMutation(), () => records.lookup(key));
 * ```
 */
export class SyncMutationLog {
  private readonly completed = new Map<string, CompletedMutation>();
  private readonly inFlight = new Map<string, Promise<MutationOutcome>>();

  /**
   * Runs `execute` unless `key` already succeeded (here, or in a durable
   * record `recall` finds) or is running; `replayed` tells which.
   */
  async run(
    key: string,
    execute: () => Promise<MutationOutcome>,
    recall?: () => CompletedMutation | null,
  ): Promise<MutationOutcome & { replayed: boolean }> {
    for (;;) {
      const done = this.completed.get(key);
      if (done !== undefined) return { status: "success", ...done, replayed: true };
      const running = this.inFlight.get(key);
      if (running === undefined) break;
      await running.catch(() => {});
    }
    const recalled = recall?.() ?? null;
    if (recalled !== null) {
      this.remember(key, recalled);
      return { status: "success", ...recalled, replayed: true };
    }
    const attempt = execute();
    this.inFlight.set(key, attempt);
    try {
      const outcome = await attempt;
      if (outcome.status === "success") this.remember(key, outcome);
      return { ...outcome, replayed: false };
    } finally {
      this.inFlight.delete(key);
    }
  }

  private remember(key: string, { result, ts, logLines }: CompletedMutation): void {
    this.completed.set(key, { result, ts, logLines });
    if (this.completed.size > MAX_REMEMBERED_MUTATIONS) {
      const oldest = this.completed.keys().next().value;
      if (oldest !== undefined) this.completed.delete(oldest);
    }
  }
}
