/**
 * The scale part of `npm run bench`: convex-local with the guide's app at
 * 10,000 and 100,000 users (BENCH_SCALE_SIZES). Ours only: the question is
 * how convex-local and the library hold up as users grow, not a comparison.
 *
 * 1. Each size is seeded on a server of its own, then stopped
 *    (`seed-deployment.ts`).
 * 2. Each is restarted over its data dir, one after the other, and left
 *    running (`restart-deployment.ts`): time to ready, RSS, first calls.
 * 3. The timed calls (`/convex/token`, the authenticated query over the
 *    WebSocket, and fewer sign-ups) alternate between the sizes' servers
 *    call by call, as the end-to-end part alternates the two libraries: the
 *    machine's other
 *    work lands on every size alike, so the growth ratios hold on a busy
 *    machine where back-to-back runs would not (one such run measured the
 *    100,000-user query 4.8× slower than the 10,000-user one; alternating,
 *    the same data gave 1.04×).
 * 4. RSS after the timed calls, then every server is stopped and the temp
 *    dir under bench/.tmp removed, also on failure.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { BENCH_DIR, OURS_PACKAGE_DIR, WORKSPACE_DIR } from "../engine/paths.ts";
import { CONVEX_LOCAL_DIR, installedVersion, missingInstall, OURS_E2E } from "../e2e/e2e-sides.ts";
import { openSyncQueryProbe } from "../e2e/sync-query-probe.ts";
import { timeProbes, type E2eProbe, type LatencyStats, type TimingPlan } from "../e2e/time-probes.ts";
import { tokenProbe } from "../e2e/token-probe.ts";
import { processMemory } from "./process-memory.ts";
import { restartDeployment, type RestartedDeployment } from "./restart-deployment.ts";
import type { ScaleOperationId, ScaleResult, ScaleSizeResult } from "./scale-result-types.ts";
import { SIGNED_UP_USERS, seedDeployment, type SeededDeployment } from "./seed-deployment.ts";
import { signUpProbe } from "./sign-up-probe.ts";

export const DEFAULT_SCALE_SIZES = [10_000, 100_000];
export const DEFAULT_SCALE_PLAN: TimingPlan = { warmUpRuns: 20, runs: 300 };

type Probe = E2eProbe & { close?(): Promise<void> };

/** Sign-ups hash a password each (hundreds of ms): fewer of them. */
const SIGN_UP_PLAN: TimingPlan = { warmUpRuns: 2, runs: 15 };

type Operation = {
  id: ScaleOperationId;
  label: string;
  open(deployment: RestartedDeployment): Promise<Probe>;
  /** Instead of the part's plan. */
  plan?: TimingPlan;
};

const OPERATIONS: Operation[] = [
  { id: "convexToken", label: "GET /api/auth/convex/token", open: async (d) => tokenProbe(d.app) },
  { id: "syncQuery", label: "getCurrentUser over the WebSocket", open: (d) => openSyncQueryProbe(d.app) },
  { id: "signUp", label: "POST /api/auth/sign-up/email", open: async (d) => signUpProbe(d.app), plan: SIGN_UP_PLAN },
];

const log = (message: string) => process.stdout.write(`[scale] ${message}\n`);
const count = (n: number) => n.toLocaleString("en-US");

function dirMiB(dir: string): number {
  let bytes = 0;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const stat = statSync(join(dir, name));
    if (stat.isFile()) bytes += stat.size;
  }
  return bytes / 2 ** 20;
}

/** One operation on every size's server, alternating call by call; keyed by user count. */
async function timeAcrossSizes(
  operation: Operation,
  deployments: RestartedDeployment[],
  plan: TimingPlan,
): Promise<Map<number, LatencyStats>> {
  const probes = new Map<string, Probe>();
  try {
    for (const deployment of deployments) probes.set(String(deployment.seeded.users), await operation.open(deployment));
    const stats = await timeProbes(probes, plan);
    return new Map(deployments.map((d) => [d.seeded.users, stats[String(d.seeded.users)]!]));
  } finally {
    await Promise.all([...probes.values()].map((probe) => probe.close?.()));
  }
}

/**
 * Seeds, restarts and measures every size (see the module comment).
 *
 * @example
 * const result = await runScale([10_000, 100_000], { warmUpRuns: 20, runs: 300 });
 */
export async function runScale(
  sizes: number[] = DEFAULT_SCALE_SIZES,
  plan: TimingPlan = DEFAULT_SCALE_PLAN,
): Promise<ScaleResult> {
  const missing = missingInstall(OURS_E2E);
  if (missing) throw new Error(missing);
  if (sizes.some((users) => users <= SIGNED_UP_USERS))
    throw new Error(`every scale size must exceed the ${SIGNED_UP_USERS} users signed up over HTTP`);
  const started = performance.now();
  mkdirSync(join(BENCH_DIR, ".tmp"), { recursive: true });
  const workDir = mkdtempSync(join(BENCH_DIR, ".tmp", "scale-"));
  const running: RestartedDeployment[] = [];
  try {
    const seeding: { seeded: SeededDeployment; seedMs: number; load: number }[] = [];
    for (const users of sizes) {
      const load = loadavg()[0]!;
      const seedStarted = performance.now();
      log(`${count(users)} users: deploying the seed app and seeding…`);
      const seeded = await seedDeployment(users, join(workDir, String(users)), log);
      seeding.push({ seeded, seedMs: performance.now() - seedStarted, load });
    }
    const readyLoad: number[] = [];
    for (const { seeded } of seeding) {
      log(`${count(seeded.users)} users: restarting convex-local over its data…`);
      running.push(await restartDeployment(seeded));
      readyLoad.push(loadavg()[0]!);
    }

    const timedLoad = loadavg()[0]!;
    const operations = new Map<ScaleOperationId, Map<number, LatencyStats>>();
    for (const operation of OPERATIONS) {
      const opPlan = operation.plan ?? plan;
      log(`${operation.label}: ${opPlan.warmUpRuns} warm-up + ${opPlan.runs} calls per size, alternating…`);
      operations.set(operation.id, await timeAcrossSizes(operation, running, opPlan));
    }
    const timedLoadEnd = loadavg()[0]!;
    const memoryAfterLoad = running.map((d) => processMemory(d.server.pid));
    // Stopped before the data dirs are measured: SIGTERM closes SQLite, which checkpoints its WAL.
    await Promise.all(running.map((d) => d.server.stop()));

    const results: ScaleSizeResult[] = running.map((d, i) => {
      const { seeded } = d;
      const { seedMs, load } = seeding[i]!;
      return {
        users: seeded.users,
        imported: seeded.imported,
        signedUp: seeded.users - seeded.imported,
        importedDocuments: seeded.importedDocuments,
        snapshotMiB: seeded.snapshotMiB,
        importMs: seeded.importMs,
        readyMs: d.readyMs,
        firstTokenMs: d.firstTokenMs,
        firstClientMs: d.firstClientMs,
        ...(d.memoryAfterReady ? { memoryAfterReady: d.memoryAfterReady } : {}),
        ...(memoryAfterLoad[i] ? { memoryAfterLoad: memoryAfterLoad[i] } : {}),
        dataDirMiB: dirMiB(seeded.dataDir),
        operations: Object.fromEntries(
          OPERATIONS.map((op) => [op.id, operations.get(op.id)!.get(seeded.users)!]),
        ) as Record<ScaleOperationId, LatencyStats>,
        seedMs,
        load: [load, readyLoad[i]!],
      };
    });
    const modules = join(WORKSPACE_DIR, "node_modules");
    return {
      date: new Date().toISOString(),
      machine: {
        cpu: cpus()[0]?.model ?? "unknown",
        cores: cpus().length,
        memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
        node: process.version,
      },
      versions: {
        "convex-local": installedVersion(CONVEX_LOCAL_DIR) ?? "unknown",
        "convex-better-auth": installedVersion(OURS_PACKAGE_DIR) ?? "unknown",
        "better-auth": installedVersion(join(modules, "better-auth")) ?? "unknown",
        convex: installedVersion(join(modules, "convex")) ?? "unknown",
      },
      ...plan,
      sizes: results,
      timedLoad: [timedLoad, timedLoadEnd],
      durationMs: performance.now() - started,
    };
  } finally {
    await Promise.all(running.map((d) => d.server.stop()));
    rmSync(workDir, { recursive: true, force: true });
  }
}
