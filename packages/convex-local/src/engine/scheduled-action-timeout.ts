/**
 * Scheduled actions (and the actions crons run) time out as called ones do.
 * `engine.run()` arms the action time limit around the calls it makes; a
 * scheduled job's action is started by convex-test's scheduler instead, so
 * the limit is armed by the action's handler when it starts a job
 * (`run-context.ts` marks job contexts). The timeout fails the job through
 * fault containment: it is logged, marked failed, and its code may no
 * longer use syscalls.
 */
import { ActionTimeoutError } from "./fault-containment.ts";
import { executionOwner, type RunContext } from "./run-context.ts";

const TIMED = Symbol.for("convex-local.scheduledActionTimed");
/** Jobs whose limit is armed: an action the job's action runs (`ctx.runAction`) shares its job's limit. */
const armed = new WeakSet<RunContext>();

type RegisteredAction = { isAction?: unknown; _handler?: unknown; [TIMED]?: true };

/**
 * Wraps the handlers of the actions `module` exports: started as a
 * scheduled job, an action fails after `limitMs` with
 * {@link ActionTimeoutError}. Called actions are unaffected (their caller's
 * limit holds). Idempotent per function object.
 *
 * @example
 * timeScheduledActions(await import(file), 600_000);
 */
export function timeScheduledActions(module: Record<string, unknown>, limitMs: number): void {
  for (const [exportName, exported] of Object.entries(module)) {
    if (typeof exported !== "function" && (typeof exported !== "object" || exported === null)) continue;
    const fn = exported as RegisteredAction;
    if (fn.isAction !== true || typeof fn._handler !== "function" || fn[TIMED]) continue;
    const handler = fn._handler as (ctx: object, args: unknown) => Promise<unknown>;
    fn._handler = async (ctx: object, args: unknown) => {
      const owner = executionOwner();
      if (owner === null || owner.kind !== "job" || armed.has(owner)) return await handler(ctx, args);
      armed.add(owner);
      const timer = setTimeout(() => owner.terminate(new ActionTimeoutError(limitMs, exportName)), limitMs);
      try {
        return await handler(ctx, args);
      } finally {
        clearTimeout(timer);
      }
    };
    fn[TIMED] = true;
  }
}
