/**
 * The guide's Next.js app in production mode, as a user deploys it: one
 * `next build` per side (with the deployment's URLs, which Next inlines),
 * then `next start` on a free 127.0.0.1 port per setting of `jwtCache`.
 * Each server runs in its own process with the bench's Node (22) and the
 * `next` its app resolves, and counts the HTTP requests it sends
 * (`request-log-preload.mjs`).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { stopChild, trackChild } from "./child-processes.ts";
import type { ConvexLocalServer } from "./convex-local-process.ts";

const BUILD_TIMEOUT_MS = 600_000;
const READY_TIMEOUT_MS = 60_000;
const OUTPUT_TAIL_CHARS = 8192;
const PRELOAD = join(dirname(fileURLToPath(import.meta.url)), "request-log-preload.mjs");

export type NextServer = {
  pid: number;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** File the server appends one line per outgoing HTTP request to. */
  requestLog: string;
  recentOutput(): string;
  /** Stops the process by its PID; safe to call twice. */
  stop(): Promise<void>;
};

/** The `next` CLI and version the app resolves (a side without its own `next` gets the repository's). */
export function resolveNext(appDir: string): { cli: string; version: string } {
  const require = createRequire(join(appDir, "package.json"));
  const packageJson = require.resolve("next/package.json");
  return {
    cli: join(dirname(packageJson), "dist/bin/next"),
    version: (require(packageJson) as { version: string }).version,
  };
}

function nextEnv(
  server: Pick<ConvexLocalServer, "cloudUrl" | "siteUrl">,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_PUBLIC_CONVEX_URL: server.cloudUrl,
    NEXT_PUBLIC_CONVEX_SITE_URL: server.siteUrl,
    // Next spawns `node` for build workers; the machine's may be 20.
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`,
    NO_COLOR: "1",
    CI: "1",
    ...extra,
  };
  delete env.CONVEX_SELF_HOSTED_URL;
  delete env.CONVEX_SELF_HOSTED_ADMIN_KEY;
  return env;
}

/**
 * `next build` in `appDir` against `server`; resolves with how long it took
 * (ms), rejects with the build's output when it fails.
 *
 * @example
 * const buildMs = await buildNextApp(appDir, app.server);
 */
export function buildNextApp(appDir: string, server: Pick<ConvexLocalServer, "cloudUrl" | "siteUrl">): Promise<number> {
  const started = performance.now();
  const child = trackChild(
    spawn(process.execPath, [resolveNext(appDir).cli, "build"], {
      cwd: appDir,
      env: nextEnv(server),
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk).slice(-OUTPUT_TAIL_CHARS));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopChild(child);
      reject(new Error(`next build in ${appDir} took over ${BUILD_TIMEOUT_MS / 1000} s:\n${output}`));
    }, BUILD_TIMEOUT_MS);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      void stopChild(child);
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`next build in ${appDir} exited ${code}:\n${output}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once the server answers any HTTP request. */
async function waitForHttp(url: string, isRunning: () => boolean, output: () => string): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (!isRunning()) throw new Error(`next start exited before it answered:\n${output()}`);
    try {
      const response = await fetch(url, { redirect: "manual" });
      await response.arrayBuffer();
      return;
    } catch {
      if (performance.now() > deadline)
        throw new Error(`next start did not answer ${url} in ${READY_TIMEOUT_MS / 1000} s:\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * `next start` for the built app in `appDir` on a free port, with `env`
 * added to its environment (BENCH_JWT_CACHE). Stopped again if it does not
 * come up.
 *
 * @example
 * const next = await startNextServer(appDir, app.server, "/tmp/x/requests.log", { BENCH_JWT_CACHE: "on" });
 * try { ... } finally { await next.stop(); }
 */
export async function startNextServer(
  appDir: string,
  server: Pick<ConvexLocalServer, "cloudUrl" | "siteUrl">,
  requestLog: string,
  env: NodeJS.ProcessEnv,
): Promise<NextServer> {
  const port = await freePort();
  const nodeOptions = [process.env.NODE_OPTIONS, `--import=${pathToFileURL(PRELOAD).href}`].filter(Boolean).join(" ");
  const child = trackChild(
    spawn(process.execPath, [resolveNext(appDir).cli, "start", "--port", String(port), "--hostname", "127.0.0.1"], {
      cwd: appDir,
      env: nextEnv(server, { ...env, BENCH_REQUEST_LOG: requestLog, NODE_OPTIONS: nodeOptions }),
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk).slice(-OUTPUT_TAIL_CHARS));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(
      `${url}/sign-in`,
      () => child.exitCode === null && child.signalCode === null,
      () => output,
    );
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { pid: child.pid!, url, requestLog, recentOutput: () => output, stop: () => stopChild(child) };
}
