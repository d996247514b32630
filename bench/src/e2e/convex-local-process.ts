/**
 * One convex-local backend in a child process, the way `npm start` and the
 * convex-local tests run it: `convex-local start` on free 127.0.0.1 ports
 * (port 0) with its data in a temp dir, ready once it prints its one ready
 * line. A separate process, so the server's work never shares the bench's
 * event loop, and each library gets a backend of its own.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { stopChild, trackChild } from "./child-processes.ts";
import { CONVEX_LOCAL_DIR } from "./e2e-sides.ts";

const BIN = join(CONVEX_LOCAL_DIR, "bin/convex-local.js");
const READY = /^convex-local ready: cloud=(\S+) site=(\S+) /m;
/** Enough for a fresh data dir; a restart over a large one may pass a longer `readyTimeoutMs`. */
const READY_TIMEOUT_MS = 60_000;
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

/**
 * Starts `convex-local start --port 0 --site-port 0 --data-dir <dataDir>`
 * with the bench's Node (22, which convex-local needs for `node:sqlite`).
 *
 * @example
 * const server = await startConvexLocal("/tmp/x/data");
 * try { ... } finally { await server.stop(); }
 */
export async function startConvexLocal(
  dataDir: string,
  options: {
    readyTimeoutMs?: number;
    /**
     * Fixed ports (default 0: free ones). A restart over a data dir needs the
     * first start's: the pushed auth config names the site URL it had then.
     */
    ports?: { port: number; sitePort: number };
  } = {},
): Promise<ConvexLocalServer> {
  const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const ports = options.ports ?? { port: 0, sitePort: 0 };
  // An explicit key: without one, the ready line masks the generated key.
  const adminKey = `convex-local|${randomBytes(32).toString("hex")}`;
  const child = spawn(
    process.execPath,
    [
      BIN,
      "start",
      "--port",
      String(ports.port),
      "--site-port",
      String(ports.sitePort),
      "--data-dir",
      dataDir,
      "--admin-key",
      adminKey,
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  trackChild(child);
  let output = "";
  try {
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`convex-local did not get ready in ${readyTimeoutMs / 1000} s:\n${output}`)),
        readyTimeoutMs,
      );
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
      child.once("exit", (code, signal) =>
        reject(new Error(`convex-local exited (${signal ?? code}) before it was ready:\n${output}`)),
      );
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
      adminKey,
      recentOutput: () => output,
      stop: () => stopChild(child),
    };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}
