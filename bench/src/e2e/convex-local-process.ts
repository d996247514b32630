/**
 * One convex-local backend in a child process, the way `npm start` and the
 * convex-local tests run it: `convex-local start` on free 127.0.0.1 ports
 * (port 0) with its data in a temp dir, ready once it prints its one ready
 * line. A separate process, so the server's work never shares the bench's
 * event loop, and each library gets a backend of its own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { CONVEX_LOCAL_DIR } from "./e2e-sides.ts";

const BIN = join(CONVEX_LOCAL_DIR, "bin/convex-local.js");
const READY = /^convex-local ready: cloud=(\S+) site=(\S+) adminKey=(\S+)$/m;
const READY_TIMEOUT_MS = 60_000;
/** How long a SIGTERM gets to close the databases before SIGKILL. */
const STOP_GRACE_MS = 10_000;
const OUTPUT_TAIL_CHARS = 4096;

export type ConvexLocalServer = {
  pid: number;
  /** The Convex API and sync WebSocket: what `CONVEX_SELF_HOSTED_URL` and the clients use. */
  cloudUrl: string;
  /** HTTP actions (`http.ts`): Better Auth's routes under `/api/auth`. */
  siteUrl: string;
  adminKey: string;
  /** The last few KiB the server printed, for error messages. */
  recentOutput(): string;
  /** Stops the process (SIGTERM, then SIGKILL after a grace period); safe to call twice. */
  stop(): Promise<void>;
};

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

function stopChild(child: ChildProcess): Promise<void> {
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

/**
 * Starts `convex-local start --port 0 --site-port 0 --data-dir <dataDir>`
 * with the bench's Node (22, which convex-local needs for `node:sqlite`).
 *
 * @example
 * const server = await startConvexLocal("/tmp/x/data");
 * try { ... } finally { await server.stop(); }
 */
export async function startConvexLocal(dataDir: string): Promise<ConvexLocalServer> {
  const child = spawn(process.execPath, [BIN, "start", "--port", "0", "--site-port", "0", "--data-dir", dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let output = "";
  try {
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`convex-local did not get ready in ${READY_TIMEOUT_MS / 1000} s:\n${output}`)), READY_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk;
        const ready = READY.exec(output);
        if (ready) {
          clearTimeout(timer);
          resolve(ready);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("error", reject);
      child.once("exit", (code, signal) => reject(new Error(`convex-local exited (${signal ?? code}) before it was ready:\n${output}`)));
    });
    // Keep draining its output (a full pipe would block the server), keeping
    // only a tail: the bench checks every answer rather than reading logs.
    const keepTail = (chunk: Buffer) => {
      output = (output + chunk).slice(-OUTPUT_TAIL_CHARS);
    };
    for (const stream of [child.stdout!, child.stderr!]) stream.removeAllListeners("data").on("data", keepTail);
    return {
      pid: child.pid!,
      cloudUrl: match[1]!,
      siteUrl: match[2]!,
      adminKey: match[3]!,
      recentOutput: () => output,
      stop: () => stopChild(child),
    };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}
