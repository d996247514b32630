#!/usr/bin/env node
/**
 * `npm start`: runs the Next.js example (examples/next) against a local
 * Convex-compatible backend (convex-local), with the real Convex CLI.
 *
 *   1. builds the packages (`npm run build`),
 *   2. starts convex-local (data in examples/next/.convex-local, with a fixed
 *      admin key kept there),
 *   3. sets BETTER_AUTH_SECRET (generated once, kept in the data dir) and
 *      SITE_URL with `npx convex env set`,
 *   4. runs `npx convex dev` (push, codegen, then watch) in examples/next,
 *   5. writes examples/next/.env.local and runs `next dev`,
 *   6. prints the app URL. Ctrl-C stops everything.
 *
 * Environment (all optional):
 *   PORT                    Next.js port (3000)
 *   CONVEX_LOCAL_PORT       convex-local cloud port (3210)
 *   CONVEX_LOCAL_SITE_PORT  convex-local HTTP-actions port (CONVEX_LOCAL_PORT + 1)
 *   CONVEX_LOCAL_DATA_DIR   data dir (examples/next/.convex-local)
 *   START_SKIP_BUILD=1      skip `npm run build`
 *   START_NEXT_MODE=prod    `next build && next start` instead of `next dev`
 *   START_NO_ENV_FILE=1     don't write examples/next/.env.local (env is passed to Next directly)
 *   START_NO_WATCH=1        push once instead of keeping `convex dev` watching
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const APP = path.join(REPO, "examples/next");
const CONVEX_CLI = path.join(REPO, "node_modules/convex/bin/main.js");
const NEXT_CLI = path.join(REPO, "node_modules/next/dist/bin/next");
const CONVEX_LOCAL_BIN = path.join(REPO, "packages/convex-local/bin/convex-local.js");
const NODE = process.execPath;

const port = intEnv("PORT", 3000);
const cloudPort = intEnv("CONVEX_LOCAL_PORT", 3210);
const sitePort = intEnv("CONVEX_LOCAL_SITE_PORT", cloudPort + 1);
const dataDir = path.resolve(process.env.CONVEX_LOCAL_DATA_DIR || path.join(APP, ".convex-local"));
const nextMode = process.env.START_NEXT_MODE === "prod" ? "prod" : "dev";
const siteUrl = `http://localhost:${port}`;

/** Long-running children; each leads its own process group. */
const children = new Set();
let stopping = false;

function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) fail(`${name} must be a port number, got ${raw}`);
  return value;
}

function log(message) {
  process.stdout.write(`[start] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[start] ${message}\n`);
  void shutdown(1);
}

/** Runs a command to completion (own process group, so Ctrl-C is handled here); rejects on a non-zero exit. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], detached: true, ...options });
    children.add(child);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      children.delete(child);
      if (code === 0) resolve();
      else reject(new Error(`${[path.basename(command), ...args].join(" ")} exited with ${code ?? signal}`));
    });
  });
}

/** Starts a long-running child; if it dies while we are not stopping, everything stops. */
function daemon(name, command, args, options = {}) {
  const child = spawn(command, args, { detached: true, ...options });
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (!stopping) fail(`${name} exited unexpectedly (${code ?? signal})`);
  });
  return child;
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  const alive = [...children];
  for (const child of alive) killGroup(child, "SIGTERM");
  const deadline = Date.now() + 5000;
  while (alive.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const child of alive) if (child.exitCode === null && child.signalCode === null) killGroup(child, "SIGKILL");
  process.exit(code);
}

function killGroup(child, signal) {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
process.on("SIGHUP", () => void shutdown(0));

/** A value kept in a file of the data dir, generated on first use. */
function persisted(file, generate) {
  const full = path.join(dataDir, file);
  if (existsSync(full)) {
    const value = readFileSync(full, "utf8").trim();
    if (value) return value;
  }
  const value = generate();
  writeFileSync(full, `${value}\n`, { mode: 0o600 });
  return value;
}

function cliEnv(cloudUrl, adminKey) {
  const env = { ...process.env };
  delete env.CONVEX_DEPLOYMENT;
  delete env.CONVEX_URL;
  delete env.CONVEX_DEPLOY_KEY;
  env.CONVEX_SELF_HOSTED_URL = cloudUrl;
  env.CONVEX_SELF_HOSTED_ADMIN_KEY = adminKey;
  env.PATH = `${path.dirname(NODE)}${path.delimiter}${env.PATH ?? ""}`;
  return env;
}

async function startConvexLocal(adminKey) {
  const child = daemon(
    "convex-local",
    NODE,
    [CONVEX_LOCAL_BIN, "start", "--port", String(cloudPort), "--site-port", String(sitePort), "--data-dir", dataDir, "--admin-key", adminKey],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return await new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error("convex-local did not get ready in 60 s")), 60_000);
    child.stdout.on("data", (chunk) => {
      const text = chunk.toString();
      if (buffered !== null) {
        buffered += text;
        const match = /convex-local ready: cloud=(\S+) site=(\S+) adminKey=(\S+)/.exec(buffered);
        if (match) {
          clearTimeout(timer);
          const rest = buffered.slice(buffered.indexOf("\n", match.index) + 1);
          buffered = null;
          if (rest) process.stdout.write(rest);
          resolve({ cloudUrl: match[1], siteUrl: match[2], adminKey: match[3] });
        }
      } else {
        process.stdout.write(text);
      }
    });
  });
}

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const response = await fetch(url, { redirect: "manual" });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer in ${timeoutMs / 1000} s`);
}

async function main() {
  if (process.env.START_SKIP_BUILD !== "1") {
    log("building packages (npm run build)…");
    await run("npm", ["run", "build"], { cwd: REPO });
  }

  mkdirSync(dataDir, { recursive: true });
  const adminKey = persisted("admin-key", () => `convex-local|${randomBytes(32).toString("hex")}`);
  const secret = persisted("better-auth-secret", () => randomBytes(32).toString("base64"));

  log(`starting convex-local (data: ${path.relative(REPO, dataDir) || dataDir})…`);
  const convex = await startConvexLocal(adminKey);
  log(`convex-local ready: ${convex.cloudUrl} (HTTP actions: ${convex.siteUrl})`);

  const env = cliEnv(convex.cloudUrl, convex.adminKey);
  await run(NODE, [CONVEX_CLI, "env", "set", "BETTER_AUTH_SECRET", secret], { cwd: APP, env, stdio: ["ignore", "ignore", "inherit"] });
  await run(NODE, [CONVEX_CLI, "env", "set", "SITE_URL", siteUrl], { cwd: APP, env });

  log("pushing Convex functions (npx convex dev --once)…");
  await run(NODE, [CONVEX_CLI, "dev", "--once", "--tail-logs", "disable"], { cwd: APP, env });
  if (process.env.START_NO_WATCH !== "1") {
    daemon("convex dev", NODE, [CONVEX_CLI, "dev", "--tail-logs", "pause-on-deploy"], { cwd: APP, env, stdio: ["ignore", "inherit", "inherit"] });
  }

  const publicEnv = {
    NEXT_PUBLIC_CONVEX_URL: convex.cloudUrl,
    NEXT_PUBLIC_CONVEX_SITE_URL: convex.siteUrl,
    NEXT_PUBLIC_SITE_URL: siteUrl,
  };
  if (process.env.START_NO_ENV_FILE !== "1") {
    const lines = [
      "# Written by `npm start` (scripts/start.mjs) for the local convex-local backend.",
      ...Object.entries(publicEnv).map(([k, v]) => `${k}=${v}`),
      "",
    ];
    writeFileSync(path.join(APP, ".env.local"), lines.join("\n"));
  }

  const nextEnv = { NEXT_TELEMETRY_DISABLED: "1", ...process.env, ...publicEnv, PORT: String(port) };
  delete nextEnv.CONVEX_SELF_HOSTED_URL;
  delete nextEnv.CONVEX_SELF_HOSTED_ADMIN_KEY;
  if (nextMode === "prod") {
    log("building the Next.js app (next build)…");
    await run(NODE, [NEXT_CLI, "build"], { cwd: APP, env: { ...nextEnv, NODE_ENV: "production" } });
    daemon("next start", NODE, [NEXT_CLI, "start", "-p", String(port)], { cwd: APP, env: { ...nextEnv, NODE_ENV: "production" }, stdio: ["ignore", "inherit", "inherit"] });
  } else {
    daemon("next dev", NODE, [NEXT_CLI, "dev", "-p", String(port)], { cwd: APP, env: nextEnv, stdio: ["ignore", "inherit", "inherit"] });
  }

  await waitForHttp(`${siteUrl}/sign-in`, 180_000);
  log(`app ready: ${siteUrl}`);
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
