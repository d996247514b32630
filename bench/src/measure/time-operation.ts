/**
 * Median wall time of an operation on both sides, measured in the same
 * loop: the sides alternate run by run (and which goes first alternates
 * too), so drift, GC and thermal effects land on both alike. An operation
 * repeats up to its run count or until its time budget is spent, so that a
 * side that scans 100,000 rows per call still finishes in bounded time.
 */
import { summarize, type TimeStats } from "../engine/stats.ts";
import type { SideId } from "../sides/side.ts";
import type { Operation } from "./operations.ts";
import type { PreparedSide } from "./prepare-side.ts";

const WARM_UP_RUNS = 3;
/** Fewest timed runs per side, whatever they cost. */
const MIN_RUNS = 5;
/** Wall time (both sides) after which an operation stops repeating, once it has MIN_RUNS. */
const TIME_BUDGET_MS = 25_000;

export async function timeOperation(op: Operation, sides: PreparedSide[]): Promise<Record<SideId, TimeStats>> {
  for (let i = 0; i < WARM_UP_RUNS; i++) for (const side of sides) await op.run(side);
  (globalThis as { gc?: () => void }).gc?.();
  const samples = new Map<SideId, number[]>(sides.map((side) => [side.side.id, []]));
  const loopStarted = performance.now();
  for (let i = 0; i < op.maxRuns; i++) {
    if (i >= MIN_RUNS && performance.now() - loopStarted > TIME_BUDGET_MS) break;
    const order = i % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const started = performance.now();
      await op.run(side);
      samples.get(side.side.id)!.push(performance.now() - started);
    }
  }
  return Object.fromEntries([...samples].map(([id, values]) => [id, summarize(values)])) as Record<SideId, TimeStats>;
}
