/**
 * Per-call state of `engine.run()`, carried through convex-test's awaits by an
 * AsyncLocalStorage of our own: the call's log lines, a persistence failure
 * the commit hook reports back to the call, and the fault that ended it early.
 *
 * The same storage marks scheduled jobs (`kind: "job"`): work a call
 * schedules runs in the job's own context, not the scheduling call's, so a
 * fault is pinned on the code that caused it (see `fault-containment.ts`).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { inspect } from "node:util";
import { timerLogLine } from "./console-timers.ts";
import { userFrames } from "./user-stack.ts";

/** Which runtime a function's module runs in on Convex: `"use node"` files run in Node. */
export type FunctionRuntime = "isolate" | "node";

/** State of one `run()` call, or of one scheduled job. */
export type RunContext = {
  kind: "call" | "job";
  logLines: string[];
  /** False once `run()` returned: later work must not write here. Jobs never collect log lines. */
  open: boolean;
  /** Set when a commit of this call could not be made durable. */
  persistError: unknown;
  /** The runtime of the called function, once resolved (it decides how faults read). */
  runtime: FunctionRuntime | null;
  /** Why the call ended early (uncaught exception, unhandled rejection, timeout), or null. */
  fault: Error | null;
  /** Ends the call or job now with `error`; the first fault wins. */
  terminate(error: Error): void;
};

const runContextStorage = new AsyncLocalStorage<RunContext>();

/**
 * Runs `body` with a fresh call {@link RunContext}, and closes it afterwards.
 * The call ends at the first of: `body` settles, or something terminates the
 * context (its code may keep running, but the caller hears back now).
 *
 * @example
 * const { context, outcome } = await withRunContext(() => t.query(handle, {}));
 */
export async function withRunContext<T>(
  body: (context: RunContext) => Promise<T>,
): Promise<{ context: RunContext; outcome: { ok: true; value: T } | { ok: false; error: unknown } }> {
  let abort: (error: Error) => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    abort = reject;
  });
  const context: RunContext = {
    kind: "call",
    logLines: [],
    open: true,
    persistError: null,
    runtime: null,
    fault: null,
    terminate(error) {
      if (!context.open || context.fault !== null) return;
      context.fault = error;
      abort(error);
    },
  };
  try {
    const value = await Promise.race([runContextStorage.run(context, () => body(context)), aborted]);
    return { context, outcome: { ok: true, value } };
  } catch (error) {
    return { context, outcome: { ok: false, error: context.fault ?? error } };
  } finally {
    context.open = false;
  }
}

/**
 * Runs `body` (and everything it starts: timers, promises) in a new job
 * context; `onFault` hears the job's first fault.
 *
 * @example
 * await runAsJob((error) => markFailed(jobId, error), () => schedule());
 */
export function runAsJob<T>(onFault: (error: Error) => void, body: () => T): T {
  const context: RunContext = {
    kind: "job",
    logLines: [],
    open: false,
    persistError: null,
    runtime: null,
    fault: null,
    terminate(error) {
      if (context.fault !== null) return;
      context.fault = error;
      onFault(error);
    },
  };
  return runContextStorage.run(context, body);
}

/**
 * The context of the `run()` call being executed, if it is still open.
 *
 * @example
 * const context = currentRunContext();
 * if (context) context.persistError = error;
 */
export function currentRunContext(): RunContext | null {
  const context = runContextStorage.getStore();
  return context?.kind === "call" && context.open ? context : null;
}

/**
 * The call or job whose code is running now, open or not: the owner of an
 * uncaught error thrown here. Null outside user code.
 *
 * @example
 * process.on("uncaughtException", (error) => executionOwner()?.terminate(error));
 */
export function executionOwner(): RunContext | null {
  return runContextStorage.getStore() ?? null;
}

/**
 * Runs `body` outside any call or job (engine bookkeeping started from user code's context).
 *
 * @example
 * outsideExecution(() => markScheduledJobFailed(instance, "", jobId));
 */
export function outsideExecution<T>(body: () => T): T {
  return runContextStorage.exit(body);
}

const LEVELS: Record<string, string> = {
  log: "LOG",
  info: "INFO",
  warn: "WARN",
  error: "ERROR",
  debug: "DEBUG",
  trace: "LOG",
};

/** The console methods a call captures. */
const CAPTURED = new Set([...Object.keys(LEVELS), "time", "timeLog", "timeEnd"]);

/**
 * Formats `console.*` arguments the way the Convex backend does: each
 * argument inspected (strings quoted), joined by spaces, after `[LEVEL] `.
 * `console.trace` adds the caller's frames, source-mapped, as the backend does.
 *
 * @example
 * formatLogLine("log", ["hi", { n: 1 }]); // "[LOG] 'hi' { n: 1 }"
 */
export function formatLogLine(method: string, args: unknown[]): string {
  const messages = args.map((arg) => inspect(arg, { depth: 5, breakLength: Infinity }));
  if (method === "trace")
    messages.push(
      `\n${userFrames(new Error())
        .map((frame) => `${frame}\n`)
        .join("")}`,
    );
  return `[${LEVELS[method] ?? "LOG"}] ${messages.join(" ")}`;
}

let installed = false;

/**
 * Replaces `globalThis.console` once per process with a proxy: inside an open
 * {@link RunContext}, `console.log/info/warn/error/debug/trace` and the
 * `time*` timers (`console-timers.ts`) become the call's log lines;
 * elsewhere (scheduled functions, crons) they reach the real console. convex-test treats `console` as a per-handler global, and reads
 * this proxy as its default.
 *
 * @example
 * installConsoleCapture();
 */
export function installConsoleCapture(): void {
  if (installed) return;
  installed = true;
  const base = globalThis.console;
  globalThis.console = new Proxy(base, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== "string" || !CAPTURED.has(property) || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const context = currentRunContext();
        if (context === null) return (value as (...a: unknown[]) => unknown).apply(target, args);
        const line = property in LEVELS ? formatLogLine(property, args) : timerLogLine(context, property, args);
        if (line !== null) context.logLines.push(line);
        return undefined;
      };
    },
  });
}
