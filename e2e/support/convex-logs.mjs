/**
 * Follows a deployment's function logs with the real Convex CLI
 * (`npx convex logs`), the log a developer watches in `npx convex dev`:
 * console output and uncaught errors of queries, mutations, actions and
 * HTTP actions.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { REPO } from "../stack.mjs";

/**
 * @param {{ cloudUrl: string, adminKey: string, cwd: string }} options
 *   `cwd`: the app folder (the CLI reads its convex.json / package.json there).
 * @returns {Promise<{ text: () => string, settled: () => Promise<void>, stop: () => Promise<void> }>}
 *   once the CLI is watching; `settled()` waits until no line has come for a moment
 *
 * @example
 * ```js
 * const logs = await tailConvexLogs({ cloudUrl: stack.cloudUrl, adminKey: stack.adminKey, cwd: "examples/react" });
 * // … drive the app …
 * await logs.stop();
 * assert.doesNotMatch(logs.text(), /Uncaught/);
 * ```
 */
export async function tailConvexLogs({ cloudUrl, adminKey, cwd }) {
  const env = {
    ...process.env,
    CONVEX_SELF_HOSTED_URL: cloudUrl,
    CONVEX_SELF_HOSTED_ADMIN_KEY: adminKey,
    NO_COLOR: "1",
  };
  delete env.CONVEX_DEPLOYMENT;
  delete env.CONVEX_DEPLOY_KEY;
  const child = spawn(
    process.execPath,
    [path.join(REPO, "node_modules/convex/bin/main.js"), "logs", "--history", "1000"],
    {
      cwd: path.resolve(REPO, cwd),
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`convex logs did not start watching in 30 s:\n${output}`)), 30_000);
    const check = () => {
      if (/Watching logs/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", check);
    child.stderr.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`convex logs exited with ${code}:\n${output}`));
    });
  });
  return {
    text: () => output,
    async settled() {
      // The CLI long-polls the deployment, so a function's lines can arrive a moment after it ran.
      let length = -1;
      for (let i = 0; i < 20 && output.length !== length; i++) {
        length = output.length;
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
