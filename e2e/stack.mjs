/**
 * Starts an example's stack the way `npm start [-- <example>]` does
 * (scripts/start.mjs), on free ports with a fresh data dir, and stops it again.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * @param {{ example?: string, env?: Record<string, string>, timeoutMs?: number }} [options]
 *   `example`: an entry of scripts/start.mjs's EXAMPLES ("next" by default);
 *   `env`: more environment for scripts/start.mjs (e.g. an example's `convexEnv` variables).
 * @returns {Promise<{ appUrl: string, cloudUrl: string, siteUrl: string, adminKey: string, output: () => string, stop: () => Promise<void> }>}
 */
export async function startStack({ example = "next", env = {}, timeoutMs = 240_000 } = {}) {
  const [port, cloudPort, sitePort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "e2e-convex-local-"));
  // `convex dev` saves its URLs into examples/<example>/.env.local; put the developer's file back afterwards.
  const ENV_LOCAL = path.join(REPO, "examples", example, ".env.local");
  const savedEnvLocal = existsSync(ENV_LOCAL) ? readFileSync(ENV_LOCAL) : null;

  const child = spawn(process.execPath, [path.join(REPO, "scripts/start.mjs"), example], {
    cwd: REPO,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      CONVEX_LOCAL_PORT: String(cloudPort),
      CONVEX_LOCAL_SITE_PORT: String(sitePort),
      CONVEX_LOCAL_DATA_DIR: dataDir,
      START_SKIP_BUILD: "1",
      START_NO_ENV_FILE: "1",
      START_NO_WATCH: "1",
      NEXT_TELEMETRY_DISABLED: "1",
      NO_COLOR: "1",
      CI: "1",
      ...env,
    },
  });
  let output = "";
  child.stdout.on("data", (c) => (output += c));
  child.stderr.on("data", (c) => (output += c));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (savedEnvLocal) writeFileSync(ENV_LOCAL, savedEnvLocal);
    else if (existsSync(ENV_LOCAL)) unlinkSync(ENV_LOCAL);
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const appUrl = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stack not ready in ${timeoutMs / 1000} s`)), timeoutMs);
      const onData = () => {
        const match = /\[start\] app ready: (\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout.on("data", onData);
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`scripts/start.mjs exited with ${code}`));
      });
    });
    const [, cloudUrl, siteUrl] = /\[start\] convex-local ready: (\S+) \(HTTP actions: ([^)\s]+)\)/.exec(output);
    // start.mjs keeps the deployment's admin key in the data dir; tests read Convex's logs with it.
    const adminKey = readFileSync(path.join(dataDir, "admin-key"), "utf8").trim();
    return { appUrl, cloudUrl, siteUrl, adminKey, output: () => output, stop };
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\n--- stack output ---\n${output}`, { cause: error });
  }
}
