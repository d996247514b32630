/**
 * Per-call state of `engine.run()`, carried through convex-test's awaits by an
 * AsyncLocalStorage of our own: the call's log lines, and a persistence
 * failure the commit hook reports back to the call.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { inspect } from "node:util";

/** State of one `run()` call. */
export type RunContext = {
  logLines: string[];
  /** False once `run()` returned: later work (scheduled jobs inherit the context) must not write here. */
  open: boolean;
  /** Set when a commit of this call could not be made durable. */
  persistError: unknown;
};

const runContextStorage = new AsyncLocalStorage<RunContext>();

/**
 * Runs `body` with a fresh {@link RunContext}, and closes it afterwards.
 *
 * @example
 * const { context, outcome } = await withRunContext(() => t.query(handle, {}));
 */
export async function withRunContext<T>(
  body: () => Promise<T>,
): Promise<{ context: RunContext; outcome: { ok: true; value: T } | { ok: false; error: unknown } }> {
  const context: RunContext = { logLines: [], open: true, persistError: null };
  try {
    const value = await runContextStorage.run(context, body);
    return { context, outcome: { ok: true, value } };
  } catch (error) {
    return { context, outcome: { ok: false, error } };
  } finally {
    context.open = false;
  }
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
  return context?.open ? context : null;
}

const LEVELS: Record<string, string> = {
  log: "LOG",
  info: "INFO",
  warn: "WARN",
  error: "ERROR",
  debug: "DEBUG",
  trace: "ERROR",
};

/**
 * Formats `console.*` arguments the way the Convex backend does: each
 * argument inspected (strings quoted), joined by spaces, after `[LEVEL] `.
 *
 * @example
 * formatLogLine("log", ["hi", { n: 1 }]); // "[LOG] 'hi' { n: 1 }"
 */
export function formatLogLine(method: string, args: unknown[]): string {
  return `[${LEVELS[method] ?? "LOG"}] ${args.map((arg) => inspect(arg, { depth: 5, breakLength: Infinity })).join(" ")}`;
}

let installed = false;

/**
 * Replaces `globalThis.console` once per process with a proxy: inside an open
 * {@link RunContext}, `console.log/info/warn/error/debug/trace` become the
 * call's log lines; elsewhere (scheduled functions, crons) they reach the real
 * console. convex-test treats `console` as a per-handler global, and reads
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
      if (typeof property !== "string" || !(property in LEVELS) || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const context = currentRunContext();
        if (context === null) return (value as (...a: unknown[]) => unknown).apply(target, args);
        context.logLines.push(formatLogLine(property, args));
        return undefined;
      };
    },
  });
}
