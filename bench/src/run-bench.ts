/**
 * `npm run bench`: measures every size in a child process of its own (a
 * fresh heap per size; the two sides share one process per size so their
 * ratios come from the same loop), then prints the results table and the
 * target checks and writes bench/RESULTS.md.
 *
 * BENCH_SIZES=1000,10000 picks the sizes (default 1,000, 10,000, 100,000).
 *
 * Then the end-to-end part (src/e2e/) deploys both libraries' guide apps to
 * convex-local and times them over real sockets. BENCH_E2E=only runs just
 * that part and rewrites just its section of RESULTS.md (so it can be
 * iterated on in a minute); BENCH_E2E=skip leaves it out and keeps the
 * section from the last run. BENCH_E2E_RUNS=50 sets its timed calls.
 *
 * Last, the scale part (src/scale/) seeds convex-local with the guide's app
 * at 10,000 and 100,000 users and measures a restart and per-request
 * latency. BENCH_SCALE=only runs just that part and rewrites just its
 * section; BENCH_SCALE=skip leaves it out and keeps its last section.
 * BENCH_SCALE_SIZES=10000,100000 and BENCH_SCALE_RUNS=300 tune it.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { E2eResult } from "./e2e/e2e-result-types.ts";
import { DEFAULT_E2E_PLAN, runEndToEnd } from "./e2e/run-end-to-end.ts";
import { BENCH_DIR, SRC_DIR } from "./engine/paths.ts";
import type { SizeResult } from "./measure/result-types.ts";
import { checkTargets } from "./report/check-targets.ts";
import {
  e2eHeadline,
  e2eTable,
  existingE2eSection,
  renderE2eFailure,
  renderE2eSection,
  spliceE2eSection,
} from "./report/e2e-section.ts";
import { describeEnvironment } from "./report/environment.ts";
import { headline } from "./report/headline.ts";
import { renderResults } from "./report/render-results.ts";
import { resultsTable } from "./report/results-table.ts";
import {
  existingScaleSection,
  renderScaleFailure,
  renderScaleSection,
  scaleTable,
  scaleVerdict,
  spliceScaleSection,
} from "./report/scale-section.ts";
import { ssrTable } from "./report/ssr-section.ts";
import { DEFAULT_SCALE_PLAN, DEFAULT_SCALE_SIZES, runScale } from "./scale/run-scale.ts";
import type { ScaleResult } from "./scale/scale-result-types.ts";

const DEFAULT_SIZES = [1_000, 10_000, 100_000];

function sizesFromEnv(name: string, defaults: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return defaults;
  const sizes = raw.split(",").map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`${name} must be positive integers, got "${raw}"`);
  return sizes;
}

type PartMode = "both" | "only" | "skip";

function modeFromEnv(name: string): PartMode {
  const raw = process.env[name] ?? "";
  if (raw === "") return "both";
  if (raw === "only" || raw === "skip") return raw;
  throw new Error(`${name} must be "only" or "skip", got "${raw}"`);
}

function runsFromEnv(name: string, defaultRuns: number): number {
  const raw = process.env[name];
  if (!raw) return defaultRuns;
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return runs;
}

const e2eRunsFromEnv = () => runsFromEnv("BENCH_E2E_RUNS", DEFAULT_E2E_PLAN.runs);

function runScaleFromEnv(): Promise<ScaleResult> {
  return runScale(sizesFromEnv("BENCH_SCALE_SIZES", DEFAULT_SCALE_SIZES), {
    ...DEFAULT_SCALE_PLAN,
    runs: runsFromEnv("BENCH_SCALE_RUNS", DEFAULT_SCALE_PLAN.runs),
  });
}

/** The scale table and verdict, for the terminal. */
function scaleOutput(scale: ScaleResult): string {
  return (
    `Scale on convex-local (${scale.runs} calls per operation and size, alternating; load during the timed calls ` +
    `${scale.timedLoad.map((l) => l.toFixed(1)).join(" → ")} on ${scale.machine.cores} cores):\n\n${scaleTable(scale)}\n\n${scaleVerdict(scale)}\n`
  );
}

/** The end-to-end table and headline, for the terminal. */
function e2eOutput(e2e: E2eResult): string {
  const machine = `${e2e.machine.cpu}, ${e2e.machine.cores} cores; Node ${e2e.machine.node}; load ${e2e.load.map((l) => l.toFixed(1)).join(" → ")}`;
  return (
    `End to end on convex-local (${e2e.runs} calls per operation and side; ${machine}):\n\n${e2eTable(e2e)}\n\n` +
    (e2e.ssr ? `${e2e.ssr.label}:\n\n${ssrTable(e2e.ssr)}\n\n` : "") +
    `${e2eHeadline(e2e)
      .map((b) => `- ${b}`)
      .join("\n")}\n` +
    (e2e.priorArtSkipped ? `\nPrior art not measured end to end: ${e2e.priorArtSkipped}\n` : "")
  );
}

function measureSize(users: number, out: string): Promise<void> {
  const args = [
    "--expose-gc",
    // Two deployments of 100,000 users each, plus their indexes.
    "--max-old-space-size=8192",
    "--experimental-strip-types",
    "--disable-warning=ExperimentalWarning",
    join(SRC_DIR, "measure-size.ts"),
    "--users",
    String(users),
    "--out",
    out,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: BENCH_DIR, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`measuring ${users} users failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

const e2eMode = modeFromEnv("BENCH_E2E");
const scaleMode = modeFromEnv("BENCH_SCALE");
if (e2eMode === "only" && scaleMode === "only") throw new Error("BENCH_E2E=only and BENCH_SCALE=only: pick one part");
const resultsFile = join(BENCH_DIR, "RESULTS.md");
const previousResults = existsSync(resultsFile) ? readFileSync(resultsFile, "utf8") : "";

if (scaleMode === "only") {
  const scale = await runScaleFromEnv();
  writeFileSync(resultsFile, spliceScaleSection(previousResults, renderScaleSection(scale)));
  process.stdout.write(`\n${scaleOutput(scale)}\nWrote the scale section of bench/RESULTS.md.\n`);
} else if (e2eMode === "only") {
  const e2e = await runEndToEnd({ ...DEFAULT_E2E_PLAN, runs: e2eRunsFromEnv() });
  writeFileSync(resultsFile, spliceE2eSection(previousResults, renderE2eSection(e2e)));
  process.stdout.write(`\n${e2eOutput(e2e)}\nWrote the end-to-end section of bench/RESULTS.md.\n`);
} else {
  const started = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), "convex-better-auth-bench-"));
  const results: SizeResult[] = [];
  try {
    for (const users of sizesFromEnv("BENCH_SIZES", DEFAULT_SIZES)) {
      const out = join(workDir, `${users}.json`);
      await measureSize(users, out);
      results.push(JSON.parse(readFileSync(out, "utf8")) as SizeResult);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const totalMs = performance.now() - started;

  // The end-to-end part runs after the in-process one; if it fails, the sizes
  // measured so far are still written, with the failure in its section.
  let e2e: E2eResult | undefined;
  let e2eError: unknown;
  if (e2eMode === "both") {
    try {
      e2e = await runEndToEnd({ ...DEFAULT_E2E_PLAN, runs: e2eRunsFromEnv() });
    } catch (error) {
      e2eError = error;
    }
  }
  const e2eSection =
    e2eMode === "skip"
      ? existingE2eSection(previousResults)
      : e2e
        ? renderE2eSection(e2e)
        : renderE2eFailure(e2eError instanceof Error ? e2eError.message : String(e2eError));

  // The scale part runs last; like the end-to-end part, its failure is written into its section.
  let scale: ScaleResult | undefined;
  let scaleError: unknown;
  if (scaleMode === "both") {
    try {
      scale = await runScaleFromEnv();
    } catch (error) {
      scaleError = error;
    }
  }
  const scaleSection =
    scaleMode === "skip"
      ? existingScaleSection(previousResults)
      : scale
        ? renderScaleSection(scale)
        : renderScaleFailure(scaleError instanceof Error ? scaleError.message : String(scaleError));

  const env = describeEnvironment();
  const rendered = renderResults(results, env, totalMs, e2eSection);
  writeFileSync(resultsFile, scaleSection === undefined ? rendered : spliceScaleSection(rendered, scaleSection));

  const targets = checkTargets(results)
    .map((c) => `- ${c.holds ? "holds " : "MISSES"}  ${c.target}: ${c.detail}`)
    .join("\n");
  process.stdout.write(
    `\n${resultsTable(results)}\n\nRatios: ours ÷ prior art.\n\n${headline(results)
      .map((b) => `- ${b}`)
      .join("\n")}\n\n` +
      `Targets:\n${targets}\n\nMachine: ${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB; Node ${env.node}; ` +
      `${Object.entries(env.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}.\n` +
      (e2e ? `\n${e2eOutput(e2e)}\n` : "") +
      (scale ? `\n${scaleOutput(scale)}\n` : "") +
      `Wrote bench/RESULTS.md (${(totalMs / 60_000).toFixed(1)} min).\n`,
  );
  if (e2eError !== undefined) {
    process.stderr.write(
      `\nThe end-to-end part failed: ${e2eError instanceof Error ? (e2eError.stack ?? e2eError.message) : String(e2eError)}\n`,
    );
    process.exitCode = 1;
  }
  if (scaleError !== undefined) {
    process.stderr.write(
      `\nThe scale part failed: ${scaleError instanceof Error ? (scaleError.stack ?? scaleError.message) : String(scaleError)}\n`,
    );
    process.exitCode = 1;
  }
}
