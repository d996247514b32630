/**
 * The `convex-local` command line, run as users run it (the built launcher
 * in a child process): the ready line, `admin-key`, `reset` and the
 * hardening flags.
 *
 * Regression: the ready line printed the full admin key on every start, so
 * it ended up in terminal scrollback and CI logs; `reset` deleted the whole
 * data dir, files the user had put there included.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConvexLocal, CONVEX_LOCAL_BIN } from "./test-fixtures/convex-local-process.ts";
import { makeScratchDir } from "./test-fixtures/cli-harness.ts";

let scratch: { dir: string; cleanup(): Promise<void> };
const children: ChildProcess[] = [];

beforeAll(async () => {
  buildConvexLocal();
  scratch = await makeScratchDir();
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await scratch?.cleanup();
});

/** Runs a `convex-local` command to completion. */
function convexLocal(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CONVEX_LOCAL_BIN, ...args], { encoding: "utf8", timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `convex-local start <args>` and resolves with its ready line and everything printed so far. */
async function start(args: string[]): Promise<{ child: ChildProcess; line: string; output(): string }> {
  const child = spawn(process.execPath, [CONVEX_LOCAL_BIN, "start", "--port", "0", "--site-port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /^convex-local ready: .*$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`convex-local exited (${code}):\n${output}`)));
  });
  return { child, line, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

const checkAdminKey = async (cloudUrl: string, key: string) =>
  (await fetch(`${cloudUrl}/api/check_admin_key`, { headers: { authorization: `Convex ${key}` } })).status;

describe("the ready line and the admin key", () => {
  it("masks a generated key and `convex-local admin-key` prints it", async () => {
    const dataDir = path.join(scratch.dir, "masked");
    const server = await start(["--data-dir", dataDir]);
    const match =
      /^convex-local ready: cloud=(\S+) site=(\S+) adminKey=(convex-local\|[0-9a-f]{4})… \(hidden; print it with: convex-local admin-key --data-dir (\S+)\)$/.exec(
        server.line,
      );
    expect(match, server.line).not.toBeNull();
    expect(match![4]).toBe(dataDir);

    const printed = convexLocal(["admin-key", "--data-dir", dataDir]);
    expect(printed.status).toBe(0);
    const adminKey = printed.stdout.trim();
    expect(adminKey.startsWith(match![3]!)).toBe(true);
    expect(adminKey).toMatch(/^convex-local\|[0-9a-f]{64}$/);
    expect(server.output()).not.toContain(adminKey);
    expect(await checkAdminKey(match![1]!, adminKey)).toBe(200);
    expect(await checkAdminKey(match![1]!, match![3]!)).toBe(401);
    await stop(server.child);
  });

  it("keeps the old format, key included, when --admin-key was given", async () => {
    const key = "convex-local|0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const server = await start(["--data-dir", path.join(scratch.dir, "explicit"), "--admin-key", key]);
    const match = /^convex-local ready: cloud=(\S+) site=(\S+) adminKey=(\S+)$/.exec(server.line);
    expect(match?.[3]).toBe(key);
    expect(await checkAdminKey(match![1]!, key)).toBe(200);
    await stop(server.child);
  });

  it("fails `admin-key` for a folder that holds no key", () => {
    const result = convexLocal(["admin-key", "--data-dir", path.join(scratch.dir, "nothing-here")]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/holds no admin key/);
  });
});

describe("start flags", () => {
  it("accepts --max-concurrency and --dev-errors, and rejects a limit below 1", async () => {
    const server = await start([
      "--data-dir",
      path.join(scratch.dir, "flags"),
      "--max-concurrency",
      "2",
      "--dev-errors",
    ]);
    expect(server.line).toMatch(/^convex-local ready: cloud=/);
    await stop(server.child);
    const rejected = convexLocal([
      "start",
      "--port",
      "0",
      "--site-port",
      "0",
      "--data-dir",
      path.join(scratch.dir, "flags"),
      "--max-concurrency",
      "0",
    ]);
    expect(rejected.status).toBe(1);
    expect(rejected.stderr).toContain("--max-concurrency must be a positive integer, got 0.");
  });

  it("accepts --queue-timeout-ms and --max-upload-bytes, and rejects values they can't take", async () => {
    const dataDir = path.join(scratch.dir, "limits");
    const server = await start(["--data-dir", dataDir, "--queue-timeout-ms", "5000", "--max-upload-bytes", "1048576"]);
    expect(server.line).toMatch(/^convex-local ready: cloud=/);
    await stop(server.child);
    const startWith = (...flags: string[]) =>
      convexLocal(["start", "--port", "0", "--site-port", "0", "--data-dir", dataDir, ...flags]);
    const badUpload = startWith("--max-upload-bytes", "0");
    expect(badUpload.status).toBe(1);
    expect(badUpload.stderr).toContain("--max-upload-bytes must be a positive integer, got 0.");
    const badWait = startWith("--queue-timeout-ms", "soon");
    expect(badWait.status).toBe(1);
    expect(badWait.stderr).toContain("--queue-timeout-ms must be a non-negative integer, got soon.");
  });
});

describe("convex-local reset", () => {
  it("deletes convex-local's state and keeps the user's files", async () => {
    const dataDir = path.join(scratch.dir, "to-reset");
    const server = await start(["--data-dir", dataDir]);
    await stop(server.child);
    await writeFile(path.join(dataDir, "README.txt"), "my notes about this data dir");

    const result = convexLocal(["reset", "--data-dir", dataDir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      `convex-local: reset ${dataDir}\nconvex-local: kept what convex-local did not create there: README.txt\n`,
    );
    expect(await readdir(dataDir)).toEqual(["README.txt"]);
    expect(convexLocal(["admin-key", "--data-dir", dataDir]).status).toBe(1);
  });

  it("removes a data dir that held only convex-local's files, and refuses other folders", async () => {
    const dataDir = path.join(scratch.dir, "only-ours");
    await stop((await start(["--data-dir", dataDir])).child);
    expect(convexLocal(["reset", "--data-dir", dataDir]).status).toBe(0);
    expect(existsSync(dataDir)).toBe(false);

    const refused = convexLocal(["reset", "--data-dir", scratch.dir]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/does not look like a convex-local data dir/);
    expect(existsSync(scratch.dir)).toBe(true);
  });
});
