/**
 * The real Convex CLI in self-hosted mode, run from the app's own
 * `node_modules` (the installation the app bundles against): the prior
 * art's copy before the swap, the workspace's after it.
 */
import { spawn } from "node:child_process";
import { delimiter, dirname, join } from "node:path";
import type { ConvexLocal } from "./convex-local.ts";

const CLI_TIMEOUT_MS = 120_000;

function cliEnv(server: Pick<ConvexLocal, "cloudUrl" | "adminKey">): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["CONVEX_DEPLOYMENT", "CONVEX_URL", "CONVEX_DEPLOY_KEY"]) delete env[name];
  env.CONVEX_SELF_HOSTED_URL = server.cloudUrl;
  env.CONVEX_SELF_HOSTED_ADMIN_KEY = server.adminKey;
  // The CLI spawns `node` itself; put this Node (22) first.
  env.PATH = `${dirname(process.execPath)}${delimiter}${env.PATH ?? ""}`;
  env.NO_COLOR = "1";
  env.FORCE_COLOR = "0";
  env.CI = "1";
  return env;
}

/**
 * Runs `npx convex <args>` in `appDir`; resolves with its output, rejects
 * with it on a non-zero exit or after 2 minutes.
 *
 * @example
 * await runConvexCli(appDir, server, ["dev", "--once", "--typecheck", "disable"]);
 */
export function runConvexCli(
  appDir: string,
  server: Pick<ConvexLocal, "cloudUrl" | "adminKey">,
  args: string[],
): Promise<string> {
  const cli = join(appDir, "node_modules/convex/bin/main.js");
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: appDir,
    env: cliEnv(server),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  // `env set` values (the secret) stay out of messages.
  const label = args[0] === "env" ? `npx convex env ${args[1]} ${args[2]}` : `npx convex ${args.join(" ")}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
      reject(new Error(`${label} timed out after ${CLI_TIMEOUT_MS / 1000} s:\n${output}`));
    }, CLI_TIMEOUT_MS);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${label} exited ${code}:\n${output.trim()}`));
    });
  });
}
