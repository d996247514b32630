/**
 * `console.time`, `console.timeLog` and `console.timeEnd` inside a function
 * call, as the backend implements them (`crates/isolate/src/ops/console.rs`):
 * timers belong to the call, and their lines go to the call's log lines
 * (`[INFO] label: 12ms`), where Node's console would print them to the
 * server's stdout.
 */
import { inspect } from "node:util";

/** Read before any handler can replace `performance` (convex-test lets handlers override it). */
const now = performance.now.bind(performance);
const timersByCall = new WeakMap<object, Map<string, number>>();

function label(value: unknown): string {
  return value === undefined ? "default" : value === null ? "null" : String(value);
}

/**
 * The log line a timer method writes for the call `owner`, or null for a
 * method that isn't one of the three.
 *
 * @example
 * timerLogLine(call, "time", ["load"]); // null (starts the timer)
 * timerLogLine(call, "timeEnd", ["load"]); // "[INFO] load: 3ms"
 */
export function timerLogLine(owner: object, method: string, args: unknown[]): string | null {
  if (method !== "time" && method !== "timeLog" && method !== "timeEnd") return null;
  let timers = timersByCall.get(owner);
  if (timers === undefined) timersByCall.set(owner, (timers = new Map()));
  const name = label(args[0]);
  const started = timers.get(name);
  if (method === "time") {
    if (started !== undefined) return `[WARN] Timer '${name}' already exists`;
    timers.set(name, now());
    return null;
  }
  if (started === undefined) return `[WARN] Timer '${name}' does not exist`;
  const line = `[INFO] ${name}: ${Math.floor(now() - started)}ms`;
  if (method === "timeEnd") {
    timers.delete(name);
    return line;
  }
  const extra = args.slice(1).map((arg) => inspect(arg, { depth: 5, breakLength: Infinity }));
  return [line, ...extra].join(" ");
}
