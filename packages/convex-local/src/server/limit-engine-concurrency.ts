import type { Engine, RunRequest } from "../engine/types.ts";
import { createExecutionLimiter, type ExecutionLimiter } from "./execution-limiter.ts";
import { tooManyConcurrentRequests } from "./overload-errors.ts";

/** Default of `maxConcurrency`: Convex's smallest deployment class (S16) runs 16 functions at once. */
export const DEFAULT_MAX_CONCURRENCY = 16;

/** How long a call waits in each line before it is refused, in ms (0: no bound). */
export type QueueTimeouts = { transactions: number; actions: number };

/**
 * Convex's waits: its limiter refuses a query or mutation after 5 s in line
 * and an action after 10 s (`APPLICATION_FUNCTION_RUNNER_[ACTION_]SEMAPHORE_TIMEOUT`).
 */
export const CONVEX_QUEUE_TIMEOUT_MS: QueueTimeouts = { transactions: 5_000, actions: 10_000 };

/**
 * convex-local's default: no bound. Convex's waits are measured against a
 * cluster; every function here shares one Node thread, so the same burst
 * waits far longer (12 sign-ups, 4 at a time, took 13 s on a loaded 2-core
 * machine) and would be refused where Convex completes it. Pass
 * {@link CONVEX_QUEUE_TIMEOUT_MS} (`--queue-timeout-ms`) to refuse as Convex does.
 */
export const DEFAULT_QUEUE_TIMEOUT_MS: QueueTimeouts = { transactions: 0, actions: 0 };

/** The two lines calls wait in: queries and mutations, and actions and HTTP actions. */
export type ExecutionLimits = { transactions: ExecutionLimiter; actions: ExecutionLimiter };

/**
 * Wraps `engine` so that at most `limit` queries and mutations, and
 * separately at most `limit` actions and HTTP actions, run at once; later
 * calls wait in line. Separate lines keep slow actions (an external fetch)
 * from stalling every query, as Convex keeps them apart. Only calls from
 * clients pass here: `ctx.runQuery`/`runMutation`/`runAction` inside a
 * running function stay inside convex-test, so a function never waits on a
 * slot its own caller holds.
 *
 * `typeOf` names the type of a call that does not say (`/api/function`,
 * `/api/run`, the sync protocol); unknown functions count as transactions.
 *
 * A call that waits longer than its line's `queueTimeoutMs` (if bounded) is refused with
 * the backend's `TooManyConcurrentRequests` (`overload-errors.ts`): a 429
 * over HTTP, a 1013 close on the sync socket.
 *
 * @example
 * const { engine: limited, limits } = limitEngineConcurrency(engine, 16, (request) => "query");
 * await limited.run(request); // waits while 16 queries/mutations run
 */
export function limitEngineConcurrency<E extends Engine>(
  engine: E,
  limit: number,
  typeOf: (request: RunRequest) => "query" | "mutation" | "action" | undefined = () => undefined,
  queueTimeoutMs: QueueTimeouts = DEFAULT_QUEUE_TIMEOUT_MS,
): { engine: E; limits: ExecutionLimits } {
  const line = (waitMs: number) => createExecutionLimiter(limit, waitMs > 0 ? { waitTimeoutMs: waitMs } : {});
  const limits: ExecutionLimits = {
    transactions: line(queueTimeoutMs.transactions),
    actions: line(queueTimeoutMs.actions),
  };
  /** Runs `body` in `limiter`'s line; a call that never got a slot timed out waiting, and is refused as Convex does. */
  const runIn = <T>(limiter: ExecutionLimiter, udfType: string, body: () => Promise<T>): Promise<T> => {
    let admitted = false;
    return limiter
      .run(() => {
        admitted = true;
        return body();
      })
      .catch((error: unknown) => {
        throw admitted ? error : tooManyConcurrentRequests(limit, udfType);
      });
  };
  const run: Engine["run"] = (request) => {
    const type = request.expectedType ?? typeOf(request);
    return runIn(type === "action" ? limits.actions : limits.transactions, type ?? "query", () => engine.run(request));
  };
  const runHttpAction: NonNullable<Engine["runHttpAction"]> = (request, caller, options) =>
    runIn(limits.actions, "action", () => engine.runHttpAction!(request, caller, options));
  // A proxy rather than a copy: engines may carry more than the Engine contract (jwks, onCommit, …).
  const limited = new Proxy(engine, {
    get(target, property) {
      if (property === "run") return run;
      if (property === "runHttpAction" && typeof target.runHttpAction === "function") return runHttpAction;
      const value = Reflect.get(target, property, target) as unknown;
      // Bound, so methods of class-based engines keep their private state.
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { engine: limited, limits };
}
