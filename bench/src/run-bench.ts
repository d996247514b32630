/**
 * `npm run bench`: measures every size in a child process of its own (a
 * fresh heap per size; the two sides share one process per size so their
 * ratios come from the same loop), then prints the results table and the
 * target checks and writes bench/RESULTS.md.
 *
 * BENCH_SIZES=1000,10000 picks the sizes (default 1,000, 10,000, 100,000).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_DIR, SRC_DIR } from "./engine/paths.ts";
import type { SizeResult } from "./measure/result-types.ts";
import { checkTargets } from "./report/check-targets.ts";
import { describeEnvironment } from "./report/environment.ts";
import { headline } from "./report/headline.ts";
import { renderResults } from "./report/render-results.ts";
import { resultsTable } from "./report/results-table.ts";

const DEFAULT_SIZES = [1_000, 10_000, 100_000];

function sizesFromEnv(): number[] {
  const raw = process.env.BENCH_SIZES;
  if (!raw) return DEFAULT_SIZES;
  const sizes = raw.split(",").map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`BENCH_SIZES must be positive integers, got "${raw}"`);
  return sizes;
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

const started = performance.now();
const workDir = mkdtempSync(join(tmpdir(), "convex-better-auth-bench-"));
const results: SizeResult[] = [];
try {
  for (const users of sizesFromEnv()) {
    const out = join(workDir, `${users}.json`);
    await measureSize(users, out);
    results.push(JSON.parse(readFileSync(out, "utf8")) as SizeResult);
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
const totalMs = performance.now() - started;

const env = describeEnvironment();
writeFileSync(join(BENCH_DIR, "RESULTS.md"), renderResults(results, env, totalMs));

const targets = checkTargets(results)
  .map((c) => `- ${c.holds ? "holds " : "MISSES"}  ${c.target}: ${c.detail}`)
  .join("\n");
process.stdout.write(
  `\n${resultsTable(results)}\n\nRatios: ours ÷ prior art.\n\n${headline(results).map((b) => `- ${b}`).join("\n")}\n\n` +
    `Targets:\n${targets}\n\nMachine: ${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB; Node ${env.node}; ` +
    `${Object.entries(env.versions).map(([k, v]) => `${k} ${v}`).join(", ")}.\n` +
    `Wrote bench/RESULTS.md (${(totalMs / 60_000).toFixed(1)} min).\n`,
);
