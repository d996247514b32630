/**
 * Driving long-running CLI commands (`logs`, `run --watch`) in tests: start
 * one, wait until its output matches, stop it.
 */
import type { ChildProcess } from "node:child_process";
import { spawnCli } from "./cli-harness.ts";

/** A started CLI command and everything it printed so far (stdout and stderr together). */
export type StreamingCli = {
  child: ChildProcess;
  output(): string;
  /** Resolves with the output once `pattern` matches it; rejects after `timeoutMs` with the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Stops the command (SIGINT, then SIGKILL) and resolves when it exited. */
  stop(): Promise<void>;
};

/**
 * Starts `npx convex <args>` in `appDir` without waiting for it to exit.
 *
 * @example
 * ```ts
 * const logs = startCli(app, server, ["logs"]);
 * await logs.waitFor(/Watching logs/);
 * await logs.stop();
 * ```
 */
export function startCli(appDir: string, server: { cloudUrl: string; adminKey: string }, args: string[]): StreamingCli {
  const child = spawnCli(appDir, server, args);
  child.stdin!.end();
  let output = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return {
    child,
    output: () => output,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output)) return;
          done();
          resolve(output);
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `convex ${args.join(" ")}: no output matching ${pattern} after ${timeoutMs} ms. Output:\n${output}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGINT");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
