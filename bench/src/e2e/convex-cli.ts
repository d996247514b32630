/**
 * The real Convex CLI in self-hosted mode, as a user of convex-local runs
 * it: `CONVEX_SELF_HOSTED_URL` and `CONVEX_SELF_HOSTED_ADMIN_KEY` point it at
 * the server, and each side runs the CLI from its own `node_modules` (the
 * copy that resolves the side's packages when it bundles the app).
 */
import { spawn } from "node:child_process";
import { delimiter, dirname, join } from "node:path";
import type { ConvexLocalServer } from "./convex-local-process.ts";

const CLI_TIMEOUT_MS = 180_000;

/** The env the CLI runs with: no cloud deployment variables, plain output, this Node (22) first on PATH. */
function cliEnv(server: Pick<ConvexLocalServer, "cloudUrl" | "adminKey">): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CONVEX_DEPLOYMENT;
  delete env.CONVEX_URL;
  delete env.CONVEX_DEPLOY_KEY;
  env.CONVEX_SELF_HOSTED_URL = server.cloudUrl;
  env.CONVEX_SELF_HOSTED_ADMIN_KEY = server.adminKey;
  // The CLI spawns `node` for esbuild and friends; the machine's may be 20.
  env.PATH = `${dirname(process.execPath)}${delimiter}${env.PATH ?? ""}`;
  env.NO_COLOR = "1";
  env.FORCE_COLOR = "0";
  env.CI = "1";
  return env;
}

/**
 * Runs `npx convex <args>` in `appDir` and resolves with its output; rejects
 * with that output when it exits non-zero or takes over 3 minutes.
 *
 * @example
 * await runConvexCli(appDir, server, ["env", "set", "SITE_URL", "http://localhost:3000"]);
 */
export function runConvexCli(
  appDir: string,
  server: Pick<ConvexLocalServer, "cloudUrl" | "adminKey">,
  args: string[],
): Promise<string> {
  // Through the app's node_modules symlink: the side's own convex package.
  const cli = join(appDir, "node_modules/convex/bin/main.js");
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: appDir,
    env: cliEnv(server),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  const label =
    `convex ${args[0] ?? ""} ${args[0] === "env" ? `${args[1] ?? ""} ${args[2] ?? ""}` : args.slice(1).join(" ")}`.trim();
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
      // `env set` values (the secret) are left out of the label on purpose.
      else reject(new Error(`${label} exited ${code}:\n${output}`));
    });
  });
}
