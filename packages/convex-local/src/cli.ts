import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { startConvexLocal } from "./server/start-convex-local.ts";
import { packageVersion } from "./package-version.ts";

const USAGE = `Usage:
  convex-local start [--port 3210] [--site-port 3211] [--data-dir .convex-local] [--admin-key KEY]
  convex-local reset [--data-dir .convex-local]
  convex-local --version`;

/** Entries convex-local itself creates in a data dir. */
const OWN_ENTRIES = /^(deploy\.sqlite.*|engine\.sqlite.*|modules|staging)$/;

/**
 * The `convex-local` command line. `start` runs until SIGINT/SIGTERM and
 * prints one line when ready:
 * `convex-local ready: cloud=http://127.0.0.1:PORT site=http://127.0.0.1:SITEPORT adminKey=KEY`.
 * `reset` deletes a data dir's state. `--version` prints the package's version.
 *
 * @example
 * ```ts
 * await main(["start", "--port", "0", "--site-port", "0", "--data-dir", "/tmp/cl"]);
 * ```
 */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    if (command === "start") return await start(rest);
    if (command === "reset") return await reset(rest);
    if (command === "--version" || command === "-v" || command === "version") {
      process.stdout.write(`${packageVersion()}\n`);
      return;
    }
    if (command === "--help" || command === "-h" || command === "help") {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    fail(`Unknown command ${command === undefined ? "(none)" : JSON.stringify(command)}.\n${USAGE}`);
  } catch (error) {
    fail((error as Error)?.message ?? String(error));
  }
}

async function start(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "3210" },
      "site-port": { type: "string", default: "3211" },
      "data-dir": { type: "string", default: ".convex-local" },
      "admin-key": { type: "string" },
    },
    strict: true,
  });
  const local = await startConvexLocal({
    port: port(values.port, "--port"),
    sitePort: port(values["site-port"], "--site-port"),
    dataDir: values["data-dir"],
    adminKey: values["admin-key"],
  });
  process.stdout.write(`convex-local ready: cloud=${local.cloudUrl} site=${local.siteUrl} adminKey=${local.adminKey}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await local.stop();
  // Timers user code armed (scheduled functions) must not keep a stopped server alive.
  process.exit(0);
}

async function reset(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { "data-dir": { type: "string", default: ".convex-local" } }, strict: true });
  const dataDir = path.resolve(values["data-dir"]);
  const entries = await readdir(dataDir).catch(() => null);
  if (entries === null) return;
  // Refuse to wipe a directory that was never a data dir (a mistyped path).
  if (entries.some((e) => !OWN_ENTRIES.test(e)) && !entries.includes("deploy.sqlite")) {
    throw new Error(`${dataDir} does not look like a convex-local data dir (no deploy.sqlite); not deleting it.`);
  }
  await rm(dataDir, { recursive: true, force: true });
  process.stdout.write(`convex-local: reset ${dataDir}\n`);
}

function port(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${flag} must be a port number (0-65535), got ${text}.`);
  return value;
}

function fail(message: string): never {
  process.stderr.write(`convex-local: ${message}\n`);
  process.exit(1);
}
