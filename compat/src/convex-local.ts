/**
 * convex-local in a child process, the way a user runs it:
 * `convex-local start --port P --site-port S --data-dir D`, ready once it
 * prints its ready line. The test restarts it on the same data dir and the
 * same ports, so the deployment keeps its URLs (and `CONVEX_SITE_URL`, the
 * JWT issuer) across the library swap, like a real deployment does.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { CONVEX_LOCAL_BIN } from "./paths.ts";

const READY = /^convex-local ready: cloud=(\S+) site=(\S+) adminKey=(\S+)$/m;
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const OUTPUT_TAIL_CHARS = 6000;

export type ConvexLocal = {
  pid: number;
  cloudUrl: string;
  siteUrl: string;
  adminKey: string;
  port: number;
  sitePort: number;
  /** The last few KiB the server printed (function logs, errors), for failure messages. */
  recentOutput(): string;
  /** A position in the output, for {@link ConvexLocal.outputSince}. */
  mark(): number;
  /** What the server printed since `mark` (as much of it as the kept tail holds). */
  outputSince(mark: number): string;
  /**
   * The function calls convex-local recorded since `sinceMs` (its log stream,
   * what `npx convex logs` shows: errors and console lines), formatted.
   */
  functionLogs(sinceMs: number): Promise<string>;
  /** SIGTERM, then SIGKILL after a grace period; safe to call twice. */
  stop(): Promise<void>;
};

type LoggedExecution = {
  udfType: string;
  componentPath: string | null;
  identifier: string;
  timestamp: number;
  error: string | null;
  logLines: { level: string; messages: string[] }[];
};

const MAX_LOGGED_CALLS = 15;
const MAX_LOG_LINE_CHARS = 600;

async function fetchFunctionLogs(cloudUrl: string, adminKey: string, sinceMs: number): Promise<string> {
  try {
    const response = await fetch(`${cloudUrl}/api/stream_function_logs?cursor=0`, {
      headers: { authorization: `Convex ${adminKey}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200) return `(function logs unavailable: ${response.status} ${await response.text()})`;
    const { entries } = (await response.json()) as { entries: LoggedExecution[] };
    const recent = entries
      .filter((e) => e.timestamp * 1000 >= sinceMs && (e.error !== null || e.logLines.length > 0))
      .slice(-MAX_LOGGED_CALLS);
    if (recent.length === 0) return "(no function errors or console lines)";
    const clip = (raw: string) => {
      // Better Auth's logger colours its lines; util.inspect escapes the codes.
      // eslint-disable-next-line no-control-regex -- the ANSI escape is what is being removed
      const text = raw.replace(/(?:\x1B|\\x1B)\[[0-9;]*m/g, "");
      return text.length > MAX_LOG_LINE_CHARS ? `${text.slice(0, MAX_LOG_LINE_CHARS)}…` : text;
    };
    return recent
      .map((e) => {
        const head = `${e.udfType} ${e.componentPath ? `${e.componentPath}/` : ""}${e.identifier}${e.error === null ? "" : ` failed: ${clip(e.error)}`}`;
        return [head, ...e.logLines.map((line) => `  [${line.level}] ${clip(line.messages.join(" "))}`)].join("\n");
      })
      .join("\n");
  } catch (error) {
    return `(function logs unavailable: ${(error as Error).message})`;
  }
}

/**
 * One admin key per data dir, passed with `--admin-key` (without it the ready
 * line masks the key) and the same across restarts, like a persisted one.
 */
const adminKeys = new Map<string, string>();
const adminKeyFor = (dataDir: string) => {
  const key = adminKeys.get(dataDir) ?? `convex-local|${randomBytes(32).toString("hex")}`;
  adminKeys.set(dataDir, key);
  return key;
};

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Children still running if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) if (child.pid !== undefined && !exited(child)) signal(child.pid, "SIGKILL");
});

function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || exited(child)) {
    running.delete(child);
    return Promise.resolve();
  }
  const pid = child.pid;
  return new Promise((resolve) => {
    const timer = setTimeout(() => signal(pid, "SIGKILL"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      running.delete(child);
      resolve();
    });
    signal(pid, "SIGTERM");
  });
}

/**
 * Starts convex-local on 127.0.0.1 with `dataDir`; port 0 picks free ports
 * (read them back from `port`/`sitePort` to restart on the same ones).
 *
 * @example
 * const server = await startConvexLocal({ dataDir, port: 0, sitePort: 0 });
 * try { ... } finally { await server.stop(); }
 */
export async function startConvexLocal(options: {
  dataDir: string;
  port: number;
  sitePort: number;
}): Promise<ConvexLocal> {
  const adminKey = adminKeyFor(options.dataDir);
  const args = [
    CONVEX_LOCAL_BIN,
    "start",
    "--port",
    String(options.port),
    "--site-port",
    String(options.sitePort),
    "--data-dir",
    options.dataDir,
    "--admin-key",
    adminKey,
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let output = "";
  let total = 0;
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    total += text.length;
    output = (output + text).slice(-OUTPUT_TAIL_CHARS);
  };
  try {
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(
        () => reject(new Error(`convex-local did not get ready in ${READY_TIMEOUT_MS / 1000} s`)),
        READY_TIMEOUT_MS,
      );
      const onData = (chunk: Buffer) => {
        seen += chunk;
        keep(chunk);
        const ready = READY.exec(seen);
        if (ready) {
          clearTimeout(timer);
          resolve(ready);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once("exit", (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`convex-local exited (${sig ?? code}) before it was ready`));
      });
    });
    // Keep draining (a full pipe would block the server), keeping a tail.
    for (const stream of [child.stdout!, child.stderr!]) stream.removeAllListeners("data").on("data", keep);
    const cloudUrl = match[1]!;
    const siteUrl = match[2]!;
    return {
      pid: child.pid!,
      cloudUrl,
      siteUrl,
      adminKey: match[3]!,
      port: Number(new URL(cloudUrl).port),
      sitePort: Number(new URL(siteUrl).port),
      recentOutput: () => output,
      mark: () => total,
      outputSince: (mark) => (total - mark >= output.length ? output : output.slice(output.length - (total - mark))),
      functionLogs: (sinceMs) => fetchFunctionLogs(cloudUrl, match[3]!, sinceMs),
      stop: () => stopChild(child),
    };
  } catch (error) {
    await stopChild(child);
    throw new Error(`${(error as Error).message}\nconvex-local said:\n${output.trim()}`, { cause: error });
  }
}
