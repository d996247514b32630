/**
 * After a restart, hands the persisted `_scheduled_functions` jobs of a
 * component back to convex-test's scheduler, whose timers died with the
 * previous process.
 */
import { convexToJson, type Value } from "convex/values";
import {
  markScheduledJobFailed,
  rearmScheduledJob,
  tableDocuments,
  type CapturedInstance,
} from "./convex-test-internals.ts";
import type { EngineStore } from "./engine-store.ts";

type JobDocument = {
  _id: string;
  name: string;
  args: unknown[];
  scheduledTime: number;
  state: { kind: string };
};

/**
 * Re-arms pending jobs (at their original time, at once when overdue) and
 * marks jobs that were running when the process died as failed: their
 * function may or may not have finished, and running it again could repeat
 * its effects, so they get the at-most-once treatment the backend gives
 * interrupted actions.
 *
 * @example
 * await restoreScheduledJobs(instance, "", store);
 */
export async function restoreScheduledJobs(
  instance: CapturedInstance,
  componentPath: string,
  store: EngineStore,
): Promise<void> {
  const db = instance.global.components[componentPath]?.db;
  if (db === undefined) return;
  const jobs = [...tableDocuments(db, "_scheduled_functions")] as unknown as JobDocument[];
  for (const job of jobs) {
    if (job.state.kind === "inProgress") {
      await markScheduledJobFailed(instance, componentPath, job._id);
      continue;
    }
    if (job.state.kind !== "pending") continue;
    try {
      await rearmScheduledJob(
        instance,
        {
          id: job._id,
          componentPath,
          targetComponentPath: store.scheduledTarget(componentPath, job._id) ?? componentPath,
          udfPath: job.name,
          args: job.args[0] ?? {},
          scheduledTime: job.scheduledTime,
        },
        (args) => convexToJson(args as Value),
      );
    } catch (error) {
      // E.g. its component was removed by a push: it can never run.
      console.error(`Could not restore scheduled function ${job.name} (${job._id})`, error);
      await markScheduledJobFailed(instance, componentPath, job._id);
    }
  }
}
