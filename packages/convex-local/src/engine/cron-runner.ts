/**
 * Runs the deployment's cron jobs: one timer per job, the next run time kept
 * in the store so restarts neither reset intervals nor skip overdue runs (an
 * overdue job runs once right after start, like the backend).
 */
import type { EngineStore } from "./engine-store.ts";
import { cronScheduleRule, nextCronRun } from "./next-cron-run.ts";
import type { CronSpec } from "./types.ts";

/** Keeps the timers in line with the deployed cron specs. */
export type CronRunner = {
  /** Switches to the crons of a new push (unchanged jobs keep their next run time). */
  update(crons: CronSpec[]): void;
  stop(): void;
};

// setTimeout's limit; longer waits re-arm on wake-up.
const MAX_DELAY_MS = 2 ** 31 - 1;

function specKey(cron: CronSpec): string {
  return JSON.stringify({ udfPath: cron.udfPath, args: cron.args, schedule: cron.schedule });
}

/**
 * Creates the runner; `fire` starts one run of a job (the engine hands it to
 * convex-test's scheduler).
 *
 * @example
 * const runner = createCronRunner(store, async (cron) => scheduleNow(cron));
 * runner.update(app.crons);
 */
export function createCronRunner(store: EngineStore, fire: (cron: CronSpec) => Promise<void>): CronRunner {
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;

  function arm(cron: CronSpec, nextRunMs: number): void {
    clearTimeout(timers.get(cron.identifier));
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, nextRunMs - Date.now()));
    const timer = setTimeout(() => {
      if (stopped) return;
      const now = Date.now();
      if (now < nextRunMs) return arm(cron, nextRunMs);
      const rule = cronScheduleRule(cron.schedule);
      // A missed interval restarts from now instead of firing once per missed tick.
      const following =
        "intervalMs" in rule ? Math.max(nextRunMs + rule.intervalMs, now + 1) : nextCronRun(cron.schedule, now);
      // Recorded before the run: a crash in between skips this run rather than doubling it.
      store.writeCron({ identifier: cron.identifier, spec: specKey(cron), nextRunMs: following });
      arm(cron, following);
      fire(cron).catch((error: unknown) => {
        console.error(`Error when running cron job ${cron.identifier}`, error);
      });
    }, delay);
    timer.unref();
    timers.set(cron.identifier, timer);
  }

  return {
    update(crons) {
      const rows = new Map(store.cronRows().map((row) => [row.identifier, row]));
      const now = Date.now();
      for (const cron of crons) {
        const key = specKey(cron);
        const row = rows.get(cron.identifier);
        const nextRunMs = row !== undefined && row.spec === key ? row.nextRunMs : nextCronRun(cron.schedule, now);
        store.writeCron({ identifier: cron.identifier, spec: key, nextRunMs });
        rows.delete(cron.identifier);
        arm(cron, nextRunMs);
      }
      for (const identifier of rows.keys()) {
        store.deleteCron(identifier);
        clearTimeout(timers.get(identifier));
        timers.delete(identifier);
      }
    },
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
