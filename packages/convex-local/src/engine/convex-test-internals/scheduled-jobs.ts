/**
 * Handing restored `_scheduled_functions` jobs back to convex-test's own
 * scheduler, and failing jobs the way it does.
 */
import { fail } from "./fail.ts";
import { functionHandle } from "./function-handle.ts";
import type { CapturedInstance, InternalDatabase } from "./types.ts";

/** A `_scheduled_functions` job to hand back to convex-test's scheduler. */
export type ScheduledJob = {
  id: string;
  /** Component whose `_scheduled_functions` table holds the job. */
  componentPath: string;
  /** Component of the function to run (differs for handles and component references). */
  targetComponentPath: string;
  udfPath: string;
  args: unknown;
  /** Unix ms. */
  scheduledTime: number;
};

/**
 * Arms convex-test's own scheduler for a job that already has its
 * `_scheduled_functions` document (restored from disk): it runs the
 * `1.0/schedule` syscall with `insert` answering the existing id instead of
 * writing a new document, so convex-test's timer, state transitions and
 * error handling apply unchanged. Overdue jobs run right away.
 *
 * @example
 * await rearmScheduledJob(instance, job);
 */
export async function rearmScheduledJob(
  instance: CapturedInstance,
  job: ScheduledJob,
  encodeArgs: (args: unknown) => unknown,
): Promise<void> {
  await instance.t.runInComponent(job.componentPath, async () => {
    const db = instance.global.components[job.componentPath]?.db;
    if (db === undefined) throw new Error(`Component "${job.componentPath}" is not registered`);
    const ownInsert = Object.getOwnPropertyDescriptor(db, "insert");
    let answered = false;
    db.insert = (tableName, value) => {
      if (tableName === "_scheduled_functions" && !answered) {
        answered = true;
        return job.id;
      }
      return Object.getPrototypeOf(db).insert.call(db, tableName, value);
    };
    try {
      await instance.global.asyncSyscall(
        "1.0/schedule",
        JSON.stringify({
          name: job.udfPath,
          functionHandle: functionHandle(job.targetComponentPath, job.udfPath),
          args: encodeArgs(job.args),
          ts: job.scheduledTime / 1000,
        }),
      );
    } finally {
      if (ownInsert === undefined) delete (db as Partial<InternalDatabase>).insert;
      else Object.defineProperty(db, "insert", ownInsert);
    }
    if (!answered)
      fail("the `1.0/schedule` syscall no longer inserts into `_scheduled_functions` through DatabaseFake.insert");
  });
}

/**
 * Marks a pending or running job failed the way convex-test's scheduler
 * does (`state.kind = "failed"`, `completedTime`), in its own transaction.
 *
 * @example
 * await markScheduledJobFailed(instance, "", jobId);
 */
export async function markScheduledJobFailed(
  instance: CapturedInstance,
  componentPath: string,
  jobId: string,
): Promise<void> {
  await instance.t.runInComponent(componentPath, async () => {
    const db = instance.global.components[componentPath]?.db;
    if (db === undefined) throw new Error(`Component "${componentPath}" is not registered`);
    const state = (db.get("_scheduled_functions", jobId)?.state as { kind?: unknown } | undefined)?.kind;
    // A job that already finished (or was canceled, or deleted) keeps its outcome.
    if (state !== "pending" && state !== "inProgress") return;
    db.patch("_scheduled_functions", jobId, { state: { kind: "failed" }, completedTime: Date.now() });
  });
}

const STATE_RACE = "`convexTest` invariant error: Unexpected scheduled function state after it finished running";

/**
 * Whether `error` is what convex-test's scheduler throws, from a timer and
 * unhandled, when a job's state changed while its function ran: the job
 * canceled itself, or convex-local failed it. Convex leaves such a job in the
 * state it was moved to, so this is not an error there.
 *
 * @example
 * process.on("unhandledRejection", (error) => { if (isScheduledJobStateRace(error)) return; … });
 */
export function isScheduledJobStateRace(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith(STATE_RACE);
}
