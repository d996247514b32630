import type { Engine, RunRequest } from "../engine/types.ts";
import { createExecutionLimiter, type ExecutionLimiter } from "./execution-limiter.ts";

/** Default of `maxConcurrency`: Convex's smallest deployment class (S16) runs 16 functions at once. */
export const DEFAULT_MAX_CONCURRENCY = 16;

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
 * @example
 * const { engine: limited, limits } = limitEngineConcurrency(engine, 16, (request) => "query");
 * await limited.run(request); // waits while 16 queries/mutations run
 */
export function limitEngineConcurrency<E extends Engine>(
  engine: E,
  limit: number,
  typeOf: (request: RunRequest) => "query" | "mutation" | "action" | undefined = () => undefined,
): { engine: E; limits: ExecutionLimits } {
  const limits: ExecutionLimits = {
    transactions: createExecutionLimiter(limit),
    actions: createExecutionLimiter(limit),
  };
  const run: Engine["run"] = (request) => {
    const type = request.expectedType ?? typeOf(request);
    return (type === "action" ? limits.actions : limits.transactions).run(() => engine.run(request));
  };
  const runHttpAction: NonNullable<Engine["runHttpAction"]> = (request, caller, options) =>
    limits.actions.run(() => engine.runHttpAction!(request, caller, options));
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
