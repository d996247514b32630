/**
 * The long-running children of the end-to-end part (convex-local, `next
 * start`): each is stopped by its PID, SIGTERM first and SIGKILL after a
 * grace period, and any still running when the bench exits is killed then,
 * so a failed run leaves no server behind.
 */
import type { ChildProcess } from "node:child_process";

/** How long a SIGTERM gets (to close databases, finish responses) before SIGKILL. */
const STOP_GRACE_MS = 10_000;

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** `process.kill` for a child that may have exited a moment ago. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Children still running, killed synchronously if the bench exits without stopping them. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) if (child.pid !== undefined && !exited(child)) signal(child.pid, "SIGKILL");
});

/**
 * Registers a spawned server so it is killed if the bench exits first.
 *
 * @example
 * const child = trackChild(spawn(process.execPath, [bin]));
 */
export function trackChild(child: ChildProcess): ChildProcess {
  running.add(child);
  return child;
}

/**
 * Stops `child` (SIGTERM, then SIGKILL after 10 s); safe to call twice.
 *
 * @example
 * await stopChild(child);
 */
export function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child) || child.pid === undefined) {
    running.delete(child);
    return Promise.resolve();
  }
  const pid = child.pid;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (!exited(child)) signal(pid, "SIGKILL");
    }, STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      running.delete(child);
      resolve();
    });
    signal(pid, "SIGTERM");
  });
}
