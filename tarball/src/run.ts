/**
 * Child processes for the tarball test: every command is bounded, its
 * output kept for the failure message, and it runs in a process group of
 * its own so a timeout stops it and whatever it spawned (npm's children),
 * by that group's id.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { delimiter, join } from "node:path";
import { REPO_DIR } from "./paths.ts";

export type RunOptions = {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** How the command is named in errors (keeps secrets out of messages). */
  label?: string;
  /** Resolve on a non-zero exit too (the caller reads `code`). */
  allowFailure?: boolean;
};

export type RunResult = { code: number | null; stdout: string; stderr: string };

/** Started groups that are still running if the test process exits early. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});

/** Signals the process group led by `child` (it was spawned `detached`); never throws. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      process.kill(child.pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Spawns `command` in its own process group and tracks it until it exits. */
export function spawnTracked(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): ChildProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

function tail(text: string, lines = 60): string {
  const all = text.trim().split("\n");
  return (all.length > lines ? ["…", ...all.slice(-lines)] : all).join("\n");
}

/**
 * Runs `command args` and resolves with its output; rejects on a non-zero
 * exit (unless `allowFailure`) or after `timeoutMs`, with the output's tail.
 *
 * @example
 * const { stdout } = await run("npm", ["pack", "--json"], { cwd, timeoutMs: 60_000 });
 */
export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  const label = options.label ?? `${command} ${args.join(" ")}`;
  const child = spawnTracked(command, args, options);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child, "SIGKILL");
      reject(
        new Error(
          `${label} (in ${options.cwd}) timed out after ${options.timeoutMs / 1000} s:\n${tail(stdout + stderr)}`,
        ),
      );
    }, options.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${label} could not start: ${error.message}`));
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      if (code === 0 || options.allowFailure) resolve({ code, stdout, stderr });
      else reject(new Error(`${label} (in ${options.cwd}) exited ${code}:\n${tail(stdout + stderr)}`));
    });
  });
}

/**
 * The environment for a command run in the fresh app: the parent `npm run`'s
 * package and workspace variables removed (they would point npm back at the
 * repository), the repository's `node_modules/.bin` folders off PATH and the
 * app's (its node@22, convex, convex-local) first, no colours, no prompts.
 */
export function appEnv(appDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|command$|config_(local_prefix|workspaces?|include_workspace_root)$)/i.test(name))
      continue;
    if (name === "INIT_CWD" || /^CONVEX_/.test(name)) continue;
    env[name] = value;
  }
  const outsideRepo = (env.PATH ?? "").split(delimiter).filter((entry) => entry !== "" && !entry.startsWith(REPO_DIR));
  env.PATH = [join(appDir, "node_modules/.bin"), ...outsideRepo].join(delimiter);
  env.NO_COLOR = "1";
  env.FORCE_COLOR = "0";
  env.CI = "1";
  return { ...env, ...extra };
}
