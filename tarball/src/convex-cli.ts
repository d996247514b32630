/**
 * The real Convex CLI as the app runs it (`npx convex …` in the app folder,
 * its own convex and node@22), in self-hosted mode against convex-local.
 */
import type { RunningConvexLocal } from "./convex-local.ts";
import { appEnv, run } from "./run.ts";

const CLI_TIMEOUT_MS = 120_000;

/**
 * Runs `npx convex <args>` in `appDir` with CONVEX_SELF_HOSTED_URL and
 * CONVEX_SELF_HOSTED_ADMIN_KEY set; resolves with its output.
 *
 * @example
 * await npxConvex(appDir, server, ["dev", "--once"]);
 */
export async function npxConvex(
  appDir: string,
  server: Pick<RunningConvexLocal, "cloudUrl" | "adminKey">,
  args: string[],
): Promise<string> {
  const env = appEnv(appDir, {
    CONVEX_SELF_HOSTED_URL: server.cloudUrl,
    CONVEX_SELF_HOSTED_ADMIN_KEY: server.adminKey,
  });
  // `env set` values (the secret) stay out of messages.
  const label = args[0] === "env" ? `npx convex env ${args[1]} ${args[2]}` : `npx convex ${args.join(" ")}`;
  const { stdout, stderr } = await run("npx", ["--no", "--", "convex", ...args], {
    cwd: appDir,
    env,
    timeoutMs: CLI_TIMEOUT_MS,
    label,
  });
  return stdout + stderr;
}
