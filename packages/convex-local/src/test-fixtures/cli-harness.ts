/**
 * Test helpers for driving the real Convex CLI (convex 1.49.0, Node 22)
 * against convex-local: temp copies of fixture apps inside the repo (so
 * `node_modules` resolution reaches the workspace's), a server on free ports
 * and a CLI runner with the self-hosted env vars.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startConvexLocal, type ConvexLocal } from "../server/start-convex-local.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PACKAGE_DIR = path.resolve(HERE, "../..");
export const REPO_DIR = path.resolve(PACKAGE_DIR, "../..");
export const CONVEX_CLI = path.join(REPO_DIR, "node_modules/convex/bin/main.js");
export const TSC = path.join(REPO_DIR, "node_modules/.bin/tsc");
const BETTER_AUTH_CONFIG = path.join(REPO_DIR, "packages/convex-better-auth/dist/component/convex.config.js");

/** Builds `convex-better-auth` once when its dist/ (which apps' `app.use(betterAuth)` resolves to) is missing. */
export function ensureBetterAuthBuilt(): void {
  if (existsSync(BETTER_AUTH_CONFIG)) return;
  execFileSync("npm", ["run", "build", "-w", "convex-better-auth"], { cwd: REPO_DIR, stdio: "pipe" });
}

/** A scratch directory under `packages/convex-local/.tmp/` (gitignored), removed by `cleanup`. */
export async function makeScratchDir(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const root = path.join(PACKAGE_DIR, ".tmp");
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(path.join(root, "test-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Copies `src/test-fixtures/<name>` into `scratch/app` and returns the app dir. */
export async function copyFixtureApp(name: string, scratch: string): Promise<string> {
  const appDir = path.join(scratch, "app");
  await cp(path.join(HERE, name), appDir, { recursive: true });
  return appDir;
}

/**
 * A data dir for an in-process server. The `node_modules` segment is for
 * vitest: it hands imports of files under `node_modules` to Node's own
 * loader, so the engine imports pushed bundles the way it does in production
 * instead of through vite's transform pipeline.
 */
export function dataDirIn(scratch: string): string {
  return path.join(scratch, "node_modules", ".convex-local");
}

/** Starts convex-local in-process on free ports. */
export async function startTestServer(dataDir: string, adminKey?: string): Promise<ConvexLocal> {
  return await startConvexLocal({ port: 0, sitePort: 0, dataDir, ...(adminKey ? { adminKey } : {}) });
}

export type CliResult = { code: number | null; stdout: string; stderr: string; output: string };

/** The env the CLI runs with: self-hosted URL and key, no cloud deployment variables, Node 22 first on PATH. */
export function cliEnv(server: { cloudUrl: string; adminKey: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CONVEX_DEPLOYMENT;
  delete env.CONVEX_URL;
  delete env.CONVEX_DEPLOY_KEY;
  env.CONVEX_SELF_HOSTED_URL = server.cloudUrl;
  env.CONVEX_SELF_HOSTED_ADMIN_KEY = server.adminKey;
  env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ""}`;
  // Plain output: no spinners or colours to strip.
  env.NO_COLOR = "1";
  env.FORCE_COLOR = "0";
  env.CI = "1";
  return env;
}

/**
 * Runs `npx convex <args>` (the CLI entry on Node 22) in `appDir` and
 * resolves when it exits; rejects on timeout.
 */
export function runCli(
  appDir: string,
  server: { cloudUrl: string; adminKey: string },
  args: string[],
  options: { timeoutMs?: number; stdin?: string } = {},
): Promise<CliResult> {
  const child = spawnCli(appDir, server, args);
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  else child.stdin!.end();
  return collect(child, options.timeoutMs ?? 60_000, `convex ${args.join(" ")}`);
}

/** Starts the CLI without waiting for it (for `dev` watch mode). */
export function spawnCli(appDir: string, server: { cloudUrl: string; adminKey: string }, args: string[]): ChildProcess {
  return spawn(process.execPath, [CONVEX_CLI, ...args], {
    cwd: appDir,
    env: cliEnv(server),
    stdio: ["pipe", "pipe", "pipe"],
  });
}

function collect(child: ChildProcess, timeoutMs: number, label: string): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk;
    output += chunk;
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk;
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${label} timed out after ${timeoutMs} ms. Output:\n${output}`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, output });
    });
  });
}

/** Fails with the CLI's output when it did not exit 0. */
export function expectSuccess(result: CliResult, label = "convex"): CliResult {
  if (result.code !== 0) throw new Error(`${label} exited ${result.code}:\n${result.output}`);
  return result;
}

/** Runs `tsc -p <dir>` and resolves with its exit code and output. */
export function runTsc(project: string): Promise<CliResult> {
  const child = spawn(process.execPath, [path.join(REPO_DIR, "node_modules/typescript/bin/tsc"), "-p", project], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collect(child, 60_000, `tsc -p ${project}`);
}

/** Pushes the app once with typecheck off (the tests type-check separately where it matters). */
export async function pushOnce(appDir: string, server: { cloudUrl: string; adminKey: string }): Promise<CliResult> {
  return expectSuccess(
    await runCli(appDir, server, ["dev", "--once", "--typecheck", "disable", "--tail-logs", "disable"]),
    "convex dev --once",
  );
}

/** `npx convex run` and the parsed JSON it printed (null when it printed nothing). */
export async function runFunction(
  appDir: string,
  server: { cloudUrl: string; adminKey: string },
  fn: string,
  args: Record<string, unknown> = {},
  extra: string[] = [],
): Promise<unknown> {
  const result = expectSuccess(
    await runCli(appDir, server, ["run", ...extra, fn, JSON.stringify(args)]),
    `convex run ${fn}`,
  );
  // `run` prints nothing for a null result.
  if (result.stdout.trim() === "") return null;
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`convex run ${fn} printed no JSON value:\n${result.output}`);
  }
}
