#!/usr/bin/env node
/**
 * `npm start [-- <example>]`: runs one of the examples against a local
 * Convex-compatible backend (convex-local), with the real Convex CLI.
 * `npm start` runs `next` (examples/next); `npm start -- react` runs
 * examples/react, `npm start -- tanstack` examples/tanstack. The examples are
 * the entries of EXAMPLES below.
 *
 *   1. builds the packages (`npm run build`),
 *   2. starts convex-local (data in examples/<name>/.convex-local, with a fixed
 *      admin key kept there),
 *   3. sets BETTER_AUTH_SECRET (generated once, kept in the data dir), SITE_URL
 *      and the example's optional variables found in this shell with
 *      `npx convex env set`,
 *   4. runs `npx convex dev` (push, codegen, then watch) in the example,
 *   5. writes examples/<name>/.env.local and runs the app's dev server,
 *   6. prints the app URL. Ctrl-C stops everything.
 *
 * Environment (all optional):
 *   PORT                    the app's port (the example's default: 3000 for next and tanstack, 5173 for react)
 *   CONVEX_LOCAL_PORT       convex-local cloud port (3210)
 *   CONVEX_LOCAL_SITE_PORT  convex-local HTTP-actions port (CONVEX_LOCAL_PORT + 1)
 *   CONVEX_LOCAL_DATA_DIR   data dir (examples/<name>/.convex-local)
 *   START_SKIP_BUILD=1      skip `npm run build`
 *   START_MODE=prod         the app's production build and server instead of its dev server
 *                           (START_NEXT_MODE=prod is the older name)
 *   START_NO_ENV_FILE=1     don't write examples/<name>/.env.local (env is passed to the app directly)
 *   START_NO_WATCH=1        push once instead of keeping `convex dev` watching
 *   …and each example's `convexEnv` names (e.g. OAUTH_ISSUER for react), copied to the deployment.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CONVEX_CLI = path.join(REPO, "node_modules/convex/bin/main.js");
const NEXT_CLI = path.join(REPO, "node_modules/next/dist/bin/next");
const VITE_CLI = path.join(REPO, "node_modules/vite/bin/vite.js");
const CONVEX_LOCAL_BIN = path.join(REPO, "packages/convex-local/bin/convex-local.js");
const NODE = process.execPath;

/**
 * The examples `npm start -- <name>` can run. To add one, add an entry:
 *
 *   dir        the app's folder, relative to the repository (its convex/ is pushed)
 *   port       the app's default port; SITE_URL is http://localhost:<port>
 *   publicEnv  ({ cloudUrl, siteUrl, appUrl }) => the variables the app's bundler reads
 *              (written to <dir>/.env.local and passed to the app's processes)
 *   convexEnv  optional deployment variables: names copied from this shell to
 *              `npx convex env set` when set there
 *   dev        ({ port }) => [cli, args]: the dev server, run in <dir>
 *   build      [cli, args]: the production build (START_MODE=prod), run in <dir>
 *   serve      ({ port }) => [cli, args]: the production server (START_MODE=prod)
 *   readyPath  a path of the app that answers (< 500) once it is up
 */
const EXAMPLES = {
  next: {
    dir: "examples/next",
    port: 3000,
    publicEnv: ({ cloudUrl, siteUrl, appUrl }) => ({
      NEXT_PUBLIC_CONVEX_URL: cloudUrl,
      NEXT_PUBLIC_CONVEX_SITE_URL: siteUrl,
      NEXT_PUBLIC_SITE_URL: appUrl,
    }),
    dev: ({ port }) => [NEXT_CLI, ["dev", "-p", String(port)]],
    build: [NEXT_CLI, ["build"]],
    serve: ({ port }) => [NEXT_CLI, ["start", "-p", String(port)]],
    readyPath: "/sign-in",
  },
  react: {
    dir: "examples/react",
    port: 5173,
    publicEnv: ({ cloudUrl, siteUrl, appUrl }) => ({
      VITE_CONVEX_URL: cloudUrl,
      VITE_CONVEX_SITE_URL: siteUrl,
      VITE_SITE_URL: appUrl,
    }),
    // The "Sign in with …" button (convex/auth.ts): an OpenID Connect provider.
    convexEnv: ["OAUTH_ISSUER", "OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET", "OAUTH_PROVIDER_NAME"],
    // --host localhost: the origin in SITE_URL, whatever the machine's default host is.
    dev: ({ port }) => [
      VITE_CLI,
      ["--host", "localhost", "--port", String(port), "--strictPort", "--clearScreen", "false"],
    ],
    build: [VITE_CLI, ["build"]],
    serve: ({ port }) => [VITE_CLI, ["preview", "--host", "localhost", "--port", String(port), "--strictPort"]],
    readyPath: "/",
  },
  tanstack: {
    dir: "examples/tanstack",
    port: 3000,
    publicEnv: ({ cloudUrl, siteUrl, appUrl }) => ({
      VITE_CONVEX_URL: cloudUrl,
      VITE_CONVEX_SITE_URL: siteUrl,
      VITE_SITE_URL: appUrl,
    }),
    // The "Sign in with …" button (convex/auth.ts): an OpenID Connect provider.
    convexEnv: ["OAUTH_ISSUER", "OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET", "OAUTH_PROVIDER_NAME"],
    dev: ({ port }) => [
      VITE_CLI,
      ["dev", "--host", "localhost", "--port", String(port), "--strictPort", "--clearScreen", "false"],
    ],
    build: [VITE_CLI, ["build"]],
    serve: ({ port }) => [VITE_CLI, ["preview", "--host", "localhost", "--port", String(port), "--strictPort"]],
    readyPath: "/sign-in",
  },
};

const exampleName = process.argv[2] ?? "next";
const example = EXAMPLES[exampleName];
if (!example) {
  process.stderr.write(
    `[start] unknown example "${exampleName}"; choose one of: ${Object.keys(EXAMPLES).join(", ")}\n`,
  );
  process.exit(2);
}
const APP = path.join(REPO, example.dir);

const port = intEnv("PORT", example.port);
const cloudPort = intEnv("CONVEX_LOCAL_PORT", 3210);
const sitePort = intEnv("CONVEX_LOCAL_SITE_PORT", cloudPort + 1);
const dataDir = path.resolve(process.env.CONVEX_LOCAL_DATA_DIR || path.join(APP, ".convex-local"));
const mode = process.env.START_MODE === "prod" || process.env.START_NEXT_MODE === "prod" ? "prod" : "dev";
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

/**
 * Runs a command to completion (own process group, so Ctrl-C is handled here); rejects on a non-zero exit.
 * `input` is written to its stdin (with `stdio: ["pipe", …]`).
 */
function run(command, args, { input, ...options } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], detached: true, ...options });
    if (input !== undefined) child.stdin.end(input);
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
    [
      CONVEX_LOCAL_BIN,
      "start",
      "--port",
      String(cloudPort),
      "--site-port",
      String(sitePort),
      "--data-dir",
      dataDir,
      "--admin-key",
      adminKey,
    ],
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

/** A value in .env syntax (the CLI parses it with dotenv): single quotes keep it literal. */
function dotenvQuoted(name, value) {
  if (/[\r\n]/.test(value)) throw new Error(`${name} spans lines; set it with \`npx convex env set ${name}\` instead`);
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"') && !value.includes("\\")) return `"${value}"`;
  throw new Error(`${name} has both kinds of quotes; set it with \`npx convex env set ${name}\` instead`);
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
  const deploymentEnv = { BETTER_AUTH_SECRET: secret, SITE_URL: siteUrl };
  for (const name of example.convexEnv ?? []) if (process.env[name]) deploymentEnv[name] = process.env[name];
  log(`setting ${Object.keys(deploymentEnv).join(", ")} (npx convex env set)…`);
  // One CLI run for all of them, in .env form on stdin: secrets stay out of argv and the output.
  const dotenv = Object.entries(deploymentEnv)
    .map(([name, value]) => `${name}=${dotenvQuoted(name, value)}\n`)
    .join("");
  await run(NODE, [CONVEX_CLI, "env", "set", "--force"], {
    cwd: APP,
    env,
    stdio: ["pipe", "ignore", "inherit"],
    input: dotenv,
  });

  log("pushing Convex functions (npx convex dev --once)…");
  await run(NODE, [CONVEX_CLI, "dev", "--once", "--tail-logs", "disable"], { cwd: APP, env });
  if (process.env.START_NO_WATCH !== "1") {
    daemon("convex dev", NODE, [CONVEX_CLI, "dev", "--tail-logs", "pause-on-deploy"], {
      cwd: APP,
      env,
      stdio: ["ignore", "inherit", "inherit"],
    });
  }

  const publicEnv = example.publicEnv({ cloudUrl: convex.cloudUrl, siteUrl: convex.siteUrl, appUrl: siteUrl });
  if (process.env.START_NO_ENV_FILE !== "1") {
    const lines = [
      "# Written by `npm start` (scripts/start.mjs) for the local convex-local backend.",
      ...Object.entries(publicEnv).map(([k, v]) => `${k}=${v}`),
      "",
    ];
    writeFileSync(path.join(APP, ".env.local"), lines.join("\n"));
  }

  const appEnv = { NEXT_TELEMETRY_DISABLED: "1", ...process.env, ...publicEnv, PORT: String(port) };
  delete appEnv.CONVEX_SELF_HOSTED_URL;
  delete appEnv.CONVEX_SELF_HOSTED_ADMIN_KEY;
  for (const name of example.convexEnv ?? []) delete appEnv[name];
  if (mode === "prod") {
    const prodEnv = { ...appEnv, NODE_ENV: "production" };
    log(`building the app (${path.basename(example.build[0])} ${example.build[1].join(" ")})…`);
    await run(NODE, [example.build[0], ...example.build[1]], { cwd: APP, env: prodEnv });
    const [cli, args] = example.serve({ port });
    daemon(`${exampleName} server`, NODE, [cli, ...args], {
      cwd: APP,
      env: prodEnv,
      stdio: ["ignore", "inherit", "inherit"],
    });
  } else {
    const [cli, args] = example.dev({ port });
    daemon(`${exampleName} dev server`, NODE, [cli, ...args], {
      cwd: APP,
      env: appEnv,
      stdio: ["ignore", "inherit", "inherit"],
    });
  }

  await waitForHttp(`${siteUrl}${example.readyPath}`, 180_000);
  log(`app ready: ${siteUrl}`);
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
