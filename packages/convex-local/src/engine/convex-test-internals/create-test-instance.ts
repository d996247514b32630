/**
 * Creating a convex-test instance and capturing the private global behind
 * it, which convex-test only exposes through a module-private AsyncLocalStorage.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { convexTest } from "convex-test";
import type { SchemaDefinition } from "convex/server";
import { assertInternalsShape } from "./assert-internals-shape.ts";
import { fail } from "./fail.ts";
import type { CapturedInstance, InternalGlobal, ModuleMap, TestInstance } from "./types.ts";

const CAPTURED = Symbol("convex-local captured the convex-test global");
let convexGlobalStorage: AsyncLocalStorage<InternalGlobal> | null = null;

/**
 * The global of the convex-test instance whose call is running, or undefined
 * outside any (or before any instance was captured). Reads convex-test's own
 * AsyncLocalStorage, which the first capture found.
 *
 * @example
 * const global = currentGlobal();
 */
export function currentGlobal(): InternalGlobal | undefined {
  return convexGlobalStorage?.getStore();
}

function looksLikeConvexGlobal(store: unknown): store is InternalGlobal {
  return (
    typeof store === "object" &&
    store !== null &&
    "components" in store &&
    "transactionManager" in store &&
    "asyncSyscall" in store
  );
}

/**
 * Reads the private global of a convex-test instance. Every method of `t` runs
 * `convexGlobalStorage.run(convexGlobal, …)`, so a temporary patch of
 * `AsyncLocalStorage.prototype.run` sees the store and aborts the call before
 * it does anything.
 */
function captureGlobal(t: unknown): InternalGlobal {
  const originalRun = AsyncLocalStorage.prototype.run;
  let captured: InternalGlobal | null = null;
  AsyncLocalStorage.prototype.run = function patchedRun(
    this: AsyncLocalStorage<unknown>,
    store: unknown,
    ...rest: unknown[]
  ) {
    if (looksLikeConvexGlobal(store)) {
      captured = store;
      convexGlobalStorage = this as AsyncLocalStorage<InternalGlobal>;
      throw CAPTURED;
    }
    return (originalRun as (...args: unknown[]) => unknown).call(this, store, ...rest);
  } as typeof originalRun;
  try {
    const finish = (t as { finishInProgressScheduledFunctions?: () => unknown }).finishInProgressScheduledFunctions;
    if (typeof finish !== "function") {
      throw new Error("convex-test internals changed: `t.finishInProgressScheduledFunctions` is missing");
    }
    const result = finish();
    // Reaching here means the call was not wrapped in the ALS; don't leave it dangling.
    if (result instanceof Promise) result.catch(() => {});
  } catch (error) {
    if (error !== CAPTURED) throw error;
  } finally {
    AsyncLocalStorage.prototype.run = originalRun;
  }
  if (captured === null) {
    throw new Error(
      "convex-test internals changed: its methods no longer run inside an AsyncLocalStorage whose store has " +
        "`components`, `transactionManager` and `asyncSyscall`, so convex-local cannot reach the database",
    );
  }
  assertInternalsShape(captured);
  return captured;
}

/**
 * Creates a convex-test instance for a root component and captures its private state.
 *
 * @example
 * const instance = createTestInstance(schema, { "/root/_generated/api.js": async () => ({}), ... });
 * await instance.t.query(functionHandle("", "messages:list"), {});
 */
export function createTestInstance(schema: unknown, modules: ModuleMap): CapturedInstance {
  const t = convexTest((schema ?? undefined) as SchemaDefinition<never, boolean> | undefined, modules);
  if (typeof (t as unknown as Record<string, unknown>).runInComponent !== "function") {
    fail("`t.runInComponent` is missing");
  }
  const global = captureGlobal(t);
  return {
    t: t as unknown as TestInstance,
    global,
    registerComponent(componentPath, componentSchema, componentModules) {
      t.registerComponent(
        componentPath,
        (componentSchema ?? null) as SchemaDefinition<never, boolean>,
        componentModules,
      );
    },
  };
}
