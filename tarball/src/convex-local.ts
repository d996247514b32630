/**
 * convex-local as the app's own devDependency runs it:
 * `node_modules/.bin/convex-local start --port 0 --site-port 0 --data-dir D`,
 * ready once it prints `convex-local ready: cloud=… site=… adminKey=…`.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { appEnv, killGroup, spawnTracked } from "./run.ts";

const READY = /^convex-local ready: cloud=(\S+) site=(\S+) adminKey=(\S+)$/m;
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const OUTPUT_TAIL_CHARS = 6000;

export type RunningConvexLocal = {
  pid: number;
  cloudUrl: string;
  siteUrl: string;
  adminKey: string;
  /** The last few KiB it printed, for failure messages. */
  output(): string;
  /** SIGTERM to its process group, SIGKILL after a grace period; safe to call twice. */
  stop(): Promise<void>;
};

/**
 * Starts the installed convex-local on free ports with its data in `dataDir`.
 *
 * @example
 * const server = await startInstalledConvexLocal(appDir, dataDir);
 * try { ... } finally { await server.stop(); }
 */
export async function startInstalledConvexLocal(appDir: string, dataDir: string): Promise<RunningConvexLocal> {
  const bin = join(appDir, "node_modules/.bin/convex-local");
  // An explicit key: without one, the ready line masks the generated key.
  const adminKey = `convex-local|${randomBytes(32).toString("hex")}`;
  const args = ["start", "--port", "0", "--site-port", "0", "--data-dir", dataDir, "--admin-key", adminKey];
  const child = spawnTracked(bin, args, { cwd: appDir, env: appEnv(appDir) });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), STOP_GRACE_MS);
    killGroup(child, "SIGTERM");
    await exited;
    clearTimeout(timer);
  };
  try {
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`convex-local did not print its ready line in ${READY_TIMEOUT_MS / 1000} s`)),
        READY_TIMEOUT_MS,
      );
      const check = () => {
        const ready = READY.exec(output);
        if (ready) {
          clearTimeout(timer);
          resolve(ready);
        }
      };
      child.stdout!.on("data", check);
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`convex-local exited (${signal ?? code}) before it was ready`));
      });
    });
    return {
      pid: child.pid!,
      cloudUrl: match[1]!,
      siteUrl: match[2]!,
      adminKey: match[3]!,
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nconvex-local (${bin}) said:\n${output.trim()}`, { cause: error });
  }
}
