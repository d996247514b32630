/**
 * Latency of one end-to-end operation on every deployed side, measured in
 * the same loop: the sides alternate call by call (and which goes first
 * alternates too), so other work on the machine lands on both alike and each
 * ratio comes from one run. Only `call()` is timed; bringing the client to
 * its starting state and checking the answer happen outside the span.
 */
import { summarize, type TimeStats } from "../engine/stats.ts";
import type { SideId } from "../sides/side.ts";

/** One operation as a client performs it against one deployment. */
export type E2eProbe = {
  /** Untimed, before each call: wait until the client is where a fresh call starts. */
  settle?(): Promise<void>;
  /** The timed part: one request as the app's client makes it, up to its answer. */
  call(): Promise<unknown>;
  /** Untimed, after each call: throws unless the answer is the right one. */
  check(answer: unknown): Promise<void> | void;
  /** Called once the warm-up is over, for probes that also count what timed calls do. */
  startTimedRuns?(): void;
};

export type LatencyStats = TimeStats & { mean: number };

export type TimingPlan = { warmUpRuns: number; runs: number };

async function runChecked(probe: E2eProbe): Promise<number> {
  await probe.settle?.();
  const started = performance.now();
  const answer = await probe.call();
  const elapsed = performance.now() - started;
  await probe.check(answer);
  return elapsed;
}

/**
 * Warms each probe up, then times `plan.runs` checked calls per probe.
 * Probes are keyed by side, or by side and setting when one operation is
 * measured in several variants (the page render with and without
 * `jwtCache`); all of them alternate in the one loop.
 *
 * @example
 * const stats = await timeProbes(new Map([["ours", probe]]), { warmUpRuns: 20, runs: 200 });
 */
export async function timeProbes<K extends string = SideId>(
  probes: Map<K, E2eProbe>,
  plan: TimingPlan,
): Promise<Partial<Record<K, LatencyStats>>> {
  const sides = [...probes];
  // Warm-up fills connection pools, JIT and the servers' module caches.
  for (let i = 0; i < plan.warmUpRuns; i++) for (const [, probe] of sides) await runChecked(probe);
  for (const [, probe] of sides) probe.startTimedRuns?.();
  const samples = new Map<K, number[]>(sides.map(([id]) => [id, []]));
  for (let i = 0; i < plan.runs; i++) {
    const order = i % 2 === 0 ? sides : [...sides].reverse();
    for (const [id, probe] of order) samples.get(id)!.push(await runChecked(probe));
  }
  const stats: Partial<Record<K, LatencyStats>> = {};
  for (const [id, values] of samples) {
    stats[id] = { ...summarize(values), mean: values.reduce((sum, v) => sum + v, 0) / values.length };
  }
  return stats;
}
