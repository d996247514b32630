import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { PACKAGE_DIR, REPO_DIR } from "./cli-harness.ts";
import { readPersistedAdminKey } from "../server/resolve-admin-key.ts";

const BIN = path.join(PACKAGE_DIR, "bin/convex-local.js");
// Without --admin-key the ready line masks the key: `adminKey=convex-local|a1b2… (hidden; …)`.
const READY = /^convex-local ready: cloud=(\S+) site=(\S+) adminKey=(\S+)( \(hidden;.*\))?$/m;

/** A `convex-local start` child process and what its ready line said. */
export type ConvexLocalProcess = { child: ChildProcess; cloudUrl: string; siteUrl: string; adminKey: string };

/**
 * Builds `dist/` from the current sources: the launcher runs it. Type errors
 * elsewhere in the package still emit JavaScript, so only a missing output fails.
 *
 * @example
 * ```ts
 * beforeAll(() => buildConvexLocal());
 * ```
 */
export function buildConvexLocal(): void {
  const build = spawnSync("npm", ["run", "build", "-w", "convex-local"], { cwd: REPO_DIR, encoding: "utf8" });
  if (!existsSync(path.join(PACKAGE_DIR, "dist/cli.js")))
    throw new Error(`Build failed:\n${build.stdout}\n${build.stderr}`);
}

/**
 * Spawns `convex-local start` on free ports and resolves once it prints its
 * ready line. `options.env` is added to the child's environment (test hooks
 * such as `CONVEX_LOCAL_TEST_SIGKILL_AFTER_COMMIT`). The child is pushed onto
 * `children` so the caller can kill whatever is left in `afterAll`.
 *
 * @example
 * ```ts
 * const { child, cloudUrl, adminKey } = await startConvexLocalProcess(dataDir, children);
 * child.kill("SIGKILL");
 * ```
 */
export async function startConvexLocalProcess(
  dataDir: string,
  children: ChildProcess[],
  options: { env?: Record<string, string> } = {},
): Promise<ConvexLocalProcess> {
  const child = spawn(process.execPath, [BIN, "start", "--port", "0", "--site-port", "0", "--data-dir", dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  children.push(child);
  let output = "";
  let ready = false;
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`convex-local did not get ready:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = ready ? null : READY.exec(output);
      if (match) {
        ready = true;
        clearTimeout(timer);
        const adminKey = match[4] === undefined ? match[3]! : readPersistedAdminKey(dataDir);
        if (adminKey === null)
          return reject(new Error(`convex-local persisted no admin key in ${dataDir}:\n${output}`));
        resolve({ child, cloudUrl: match[1]!, siteUrl: match[2]!, adminKey });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`convex-local exited (${code}):\n${output}`)));
  });
}

/** The `convex-local` launcher, for tests that run its other commands (`reset`). */
export const CONVEX_LOCAL_BIN = BIN;
