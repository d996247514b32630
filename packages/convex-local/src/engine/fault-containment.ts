/**
 * Keeps user code from taking convex-local down.
 *
 * Convex runs every function in an isolate or a Node process of its own, so
 * an exception thrown from a timer callback, a rejected promise nobody
 * handles, an `error` event of a socket without a listener or a call of
 * `process.exit()` fails that one call (Node's executor answers the call with
 * `Uncaught <event>: <message>` and replaces its process). convex-test runs
 * functions in this process, where each of these would end the server.
 *
 * So the process gets one listener per event. Node hands them the async
 * context of the code that failed, and `run-context.ts` tells whose code that
 * is: an open call is terminated with the error (its caller hears back at
 * once), a scheduled job is failed, and anything after its call returned is
 * logged. Code of a terminated call or job that keeps running may no longer
 * use syscalls, so it can't write on behalf of a call that already failed.
 */
import {
  isScheduledJobStateRace,
  markScheduledJobFailed,
  wrapSyscalls,
  type CapturedInstance,
  type InternalGlobal,
} from "./convex-test-internals.ts";
import { executionOwner, outsideExecution, runAsJob } from "./run-context.ts";

/** How user code failed outside its promise chain. */
export type FaultEvent = "uncaughtException" | "unhandledRejection" | "process.exit";

/** An error user code raised outside its call's promise chain (see the module comment). */
export class UserCodeFault extends Error {
  name = "UserCodeFault";
  /** The process event that reported it. */
  readonly event: FaultEvent;
  /** What the code threw (any value). */
  readonly thrown: unknown;
  constructor(event: FaultEvent, thrown: unknown) {
    super(thrown instanceof Error ? thrown.message : String(thrown));
    this.event = event;
    this.thrown = thrown;
  }
}

/** A call that ran longer than the action time limit. */
export class ActionTimeoutError extends Error {
  name = "ActionTimeoutError";
  readonly limitMs: number;
  /** The action's export name (Node's executor names it in the message). */
  readonly exportName: string;
  constructor(limitMs: number, exportName: string) {
    super(`Action \`${exportName}\` timed out after ${limitMs} ms`);
    this.limitMs = limitMs;
    this.exportName = exportName;
  }
}

let installed = false;

function contain(event: FaultEvent, thrown: unknown): void {
  // convex-test noticing that a job changed state while it ran: Convex keeps the new state.
  if (isScheduledJobStateRace(thrown)) return;
  const owner = executionOwner();
  const fault = new UserCodeFault(event, thrown);
  if (owner !== null && (owner.kind === "job" || owner.open)) {
    owner.terminate(fault);
    return;
  }
  // Outside an open call the console proxy writes to the real console.
  if (owner !== null) {
    console.error(`A function's code failed after its call returned (${event}); convex-local keeps running:`, thrown);
  } else {
    console.error(`convex-local caught an error outside any function call (${event}) and keeps running:`, thrown);
  }
}

/**
 * Installs the process listeners and the `process.exit` guard, once per
 * process. `process.exit()` outside user code (convex-local's own CLI) still
 * exits.
 *
 * @example
 * installFaultContainment();
 */
export function installFaultContainment(): void {
  if (installed) return;
  installed = true;
  process.on("uncaughtException", (error) => contain("uncaughtException", error));
  process.on("unhandledRejection", (reason) => contain("unhandledRejection", reason));
  const exit = process.exit.bind(process);
  process.exit = function guardedExit(code?: number | string | null): never {
    const owner = executionOwner();
    if (owner === null) return exit(code);
    const error = new Error(
      `process.exit() called ${code === undefined ? "with no exit code" : `with exit code ${String(code)}`}`,
    );
    contain("process.exit", error);
    // Unwinds the caller like an exit would; the call has already failed.
    throw error;
  } as typeof process.exit;
}

/** Where a job lives, for failing it. */
export type ScheduledJobRef = { componentPath: string; jobId: string };

/**
 * Wraps one convex-test instance's syscalls:
 * - each `1.0/schedule` runs in a new job context, so the job's function
 *   (started by a timer armed inside the syscall) runs in it, and a fault of
 *   the job calls `onJobFault`;
 * - code of a terminated call or job gets its fault back from every
 *   syscall instead of reaching the database.
 *
 * @example
 * containInstance(instance.global, { componentPathOf, onJobFault: (job, error) => markFailed(job, error) });
 */
export function containInstance(
  global: InternalGlobal,
  options: {
    /** The component of the function running now (`1.0/getFunctionMetadata`). */
    componentPathOf(asyncSyscall: InternalGlobal["asyncSyscall"]): Promise<string>;
    onJobFault(job: ScheduledJobRef | null, error: Error): void;
  },
): void {
  const refuseAfterFault = () => {
    const fault = executionOwner()?.fault;
    if (fault) throw fault;
  };
  wrapSyscalls(global, {
    async: (original) => async (op, jsonArgs) => {
      refuseAfterFault();
      if (op !== "1.0/schedule") return await original(op, jsonArgs);
      let job: ScheduledJobRef | null = null;
      const componentPath = await options.componentPathOf(original);
      const result = await runAsJob(
        (error) => options.onJobFault(job, error),
        () => original(op, jsonArgs),
      );
      job = { componentPath, jobId: JSON.parse(result) as string };
      return result;
    },
    js: (original) => async (op, args) => {
      refuseAfterFault();
      return await original(op, args);
    },
  });
}

/**
 * What a job fault does: logs it as convex-test logs a failing scheduled
 * function, and marks the job failed (its function may still be running;
 * its syscalls now fail, and convex-test's later state change is a
 * {@link isScheduledJobStateRace}).
 *
 * @example
 * containInstance(global, { componentPathOf, onJobFault: (job, error) => failFaultedJob(() => active.instance, job, error) });
 */
export function failFaultedJob(
  instance: () => CapturedInstance | null,
  job: ScheduledJobRef | null,
  error: Error,
): void {
  const thrown = error instanceof UserCodeFault ? error.thrown : error;
  console.error(`Error when running scheduled function ${job?.jobId ?? "(unknown job)"}`, thrown);
  const current = instance();
  if (job === null || current === null) return;
  void outsideExecution(() => markScheduledJobFailed(current, job.componentPath, job.jobId)).catch((failure: unknown) =>
    console.error(`convex-local could not mark scheduled function ${job.jobId} failed`, failure),
  );
}
