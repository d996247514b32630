import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_MAX_CONCURRENCY } from "./server/limit-engine-concurrency.ts";
import { maskAdminKey, readPersistedAdminKey } from "./server/resolve-admin-key.ts";
import { resetDataDir } from "./server/reset-data-dir.ts";
import { startConvexLocal } from "./server/start-convex-local.ts";
import { packageVersion } from "./package-version.ts";

const USAGE = `Usage:
  convex-local start [--port 3210] [--site-port 3211] [--data-dir .convex-local] [--admin-key KEY]
                     [--max-concurrency ${DEFAULT_MAX_CONCURRENCY}] [--queue-timeout-ms MS] [--max-upload-bytes N]
                     [--dev-errors]
  convex-local admin-key [--data-dir .convex-local]
  convex-local reset [--data-dir .convex-local]
  convex-local --version`;

/**
 * The `convex-local` command line. `start` runs until SIGINT/SIGTERM and
 * prints one line when ready. With `--admin-key KEY` it is
 * `convex-local ready: cloud=http://127.0.0.1:PORT site=http://127.0.0.1:SITEPORT adminKey=KEY`;
 * without, the persisted key is masked in it (`adminKey=convex-local|a1b2… (hidden; …)`),
 * since terminals and CI logs keep what they print, and `admin-key` prints it.
 * `reset` deletes what convex-local created in a data dir. `--version` prints the package's version.
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
    if (command === "admin-key") return adminKey(rest);
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
      "max-concurrency": { type: "string", default: String(DEFAULT_MAX_CONCURRENCY) },
      "queue-timeout-ms": { type: "string" },
      "max-upload-bytes": { type: "string" },
      "dev-errors": { type: "boolean", default: false },
    },
    strict: true,
  });
  const explicitKey = values["admin-key"] !== undefined && values["admin-key"] !== "";
  const local = await startConvexLocal({
    port: port(values.port, "--port"),
    sitePort: port(values["site-port"], "--site-port"),
    dataDir: values["data-dir"],
    adminKey: values["admin-key"],
    maxConcurrency: positiveInteger(values["max-concurrency"], "--max-concurrency"),
    // One wait for both lines; without it (or with 0) calls wait without bound.
    ...(values["queue-timeout-ms"] !== undefined ? { queueTimeoutMs: queueTimeout(values["queue-timeout-ms"]) } : {}),
    ...(values["max-upload-bytes"] !== undefined
      ? { maxUploadBytes: positiveInteger(values["max-upload-bytes"], "--max-upload-bytes") }
      : {}),
    devErrors: values["dev-errors"],
  });
  const shownKey = explicitKey
    ? local.adminKey
    : `${maskAdminKey(local.adminKey)} (hidden; print it with: convex-local admin-key --data-dir ${shellWord(values["data-dir"])})`;
  process.stdout.write(`convex-local ready: cloud=${local.cloudUrl} site=${local.siteUrl} adminKey=${shownKey}\n`);
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
  const { values } = parseArgs({
    args: argv,
    options: { "data-dir": { type: "string", default: ".convex-local" } },
    strict: true,
  });
  const dataDir = path.resolve(values["data-dir"]);
  const outcome = await resetDataDir(dataDir);
  if (outcome === null) return;
  process.stdout.write(`convex-local: reset ${dataDir}\n`);
  if (outcome.kept.length > 0) {
    process.stdout.write(`convex-local: kept what convex-local did not create there: ${outcome.kept.join(", ")}\n`);
  }
}

function adminKey(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: { "data-dir": { type: "string", default: ".convex-local" } },
    strict: true,
  });
  const dataDir = path.resolve(values["data-dir"]);
  const key = readPersistedAdminKey(dataDir);
  if (key === null) {
    fail(
      `${dataDir} holds no admin key: start convex-local there once to generate one (a server started with --admin-key uses that key instead).`,
    );
  }
  process.stdout.write(`${key}\n`);
}

function port(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${flag} must be a port number (0-65535), got ${text}.`);
  return value;
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive integer, got ${text}.`);
  return value;
}

function queueTimeout(text: string): { transactions: number; actions: number } {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--queue-timeout-ms must be a non-negative integer, got ${text}.`);
  return { transactions: value, actions: value };
}

/** `text` as one shell word, for a command line the user can paste. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function fail(message: string): never {
  process.stderr.write(`convex-local: ${message}\n`);
  process.exit(1);
}
