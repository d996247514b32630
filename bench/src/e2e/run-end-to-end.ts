/**
 * The end-to-end part of `npm run bench`: each library's guide app on its
 * own convex-local, driven over real sockets by the real Convex clients.
 * Where the in-process part isolates the library on an in-memory engine,
 * this is what an app sees: loopback HTTP and WebSocket, the backend's
 * request handling, JWT verification and the library together.
 *
 * Ours must deploy, or the part fails. The prior art is measured alongside
 * when it is installed and deploys; otherwise the result says why not.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import type { SideId } from "../sides/side.ts";
import { deployGuideApp, type DeployedApp } from "./deploy-guide-app.ts";
import type { E2eOperationId, E2eOperationResult, E2eResult } from "./e2e-result-types.ts";
import {
  CONVEX_LOCAL_DIR,
  OURS_E2E,
  PRIOR_ART_E2E,
  installedVersion,
  missingInstall,
  sideVersions,
} from "./e2e-sides.ts";
import { openHttpQueryProbe } from "./http-query-probe.ts";
import { openSyncQueryProbe } from "./sync-query-probe.ts";
import { timeProbes, type E2eProbe, type TimingPlan } from "./time-probes.ts";
import { tokenProbe } from "./token-probe.ts";
import { getSessionProbe, signInProbe } from "./auth-http-probes.ts";
import { SITE_URL } from "../engine/bench-env.ts";
import { BENCH_DIR } from "../engine/paths.ts";
import { measureSsrRender } from "./measure-ssr-render.ts";

export const DEFAULT_E2E_PLAN: TimingPlan = { warmUpRuns: 20, runs: 200 };

type OperationSpec = {
  id: E2eOperationId;
  label: string;
  open(app: DeployedApp): Promise<E2eProbe & { close?(): Promise<void> }>;
};

const OPERATIONS: OperationSpec[] = [
  {
    id: "convexToken",
    label: "GET /api/auth/convex/token (HTTP, session cookie)",
    open: async (app) => tokenProbe(app),
  },
  {
    id: "getSession",
    label: "GET /api/auth/get-session (HTTP, session cookie)",
    open: async (app) => getSessionProbe(app),
  },
  {
    id: "signIn",
    label: "POST /api/auth/sign-in/email (HTTP, password hashing included)",
    open: async (app) => signInProbe(app, SITE_URL),
  },
  { id: "syncQuery", label: "getCurrentUser query over the WebSocket (ConvexClient)", open: openSyncQueryProbe },
  { id: "httpQuery", label: "getCurrentUser query over HTTP (ConvexHttpClient)", open: openHttpQueryProbe },
];

const log = (message: string) => process.stdout.write(`[e2e] ${message}\n`);

function assertNode22(): void {
  const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
  if (major < 22 || (major === 22 && minor < 13)) {
    throw new Error(
      `the end-to-end bench needs Node 22.13+ (convex-local and the Convex CLI); this is ${process.version}. Run it through npm scripts.`,
    );
  }
}

async function measureOperation(
  spec: OperationSpec,
  apps: DeployedApp[],
  plan: TimingPlan,
): Promise<E2eOperationResult> {
  const opened: (E2eProbe & { close?(): Promise<void> })[] = [];
  try {
    const probes = new Map<SideId, E2eProbe>();
    for (const app of apps) {
      const probe = await spec.open(app);
      opened.push(probe);
      probes.set(app.side.id, probe);
    }
    return { id: spec.id, label: spec.label, sides: await timeProbes(probes, plan) };
  } finally {
    await Promise.all(opened.map((probe) => probe.close?.()));
  }
}

/**
 * Deploys, measures every operation and stops every process it started,
 * also when something fails.
 *
 * @example
 * const result = await runEndToEnd({ warmUpRuns: 5, runs: 50 });
 */
export async function runEndToEnd(plan: TimingPlan = DEFAULT_E2E_PLAN): Promise<E2eResult> {
  assertNode22();
  const started = performance.now();
  const loadAtStart = loadavg()[0]!;
  // Inside the repository (bench/.tmp is gitignored): Turbopack builds only
  // under the workspace root, and the prior art's app finds `next` there.
  mkdirSync(join(BENCH_DIR, ".tmp"), { recursive: true });
  const workDir = mkdtempSync(join(BENCH_DIR, ".tmp", "e2e-"));
  const apps: DeployedApp[] = [];
  try {
    const oursMissing = missingInstall(OURS_E2E);
    if (oursMissing) throw new Error(oursMissing);
    log("deploying the guide app with convex-better-auth to convex-local…");
    apps.push(await deployGuideApp(OURS_E2E, workDir));
    let priorArtSkipped = missingInstall(PRIOR_ART_E2E);
    if (!priorArtSkipped) {
      log("deploying the guide app with @convex-dev/better-auth to a second convex-local…");
      try {
        apps.push(await deployGuideApp(PRIOR_ART_E2E, workDir));
      } catch (error) {
        priorArtSkipped = (error as Error).message;
      }
    }
    if (priorArtSkipped) log(`measuring ours only: ${priorArtSkipped}`);

    const operations: E2eOperationResult[] = [];
    for (const spec of OPERATIONS) {
      log(`${spec.label}: ${plan.warmUpRuns} warm-up + ${plan.runs} runs per side…`);
      operations.push(await measureOperation(spec, apps, plan));
    }
    const ssr = await measureSsrRender(apps, plan, log);
    return {
      date: new Date().toISOString(),
      machine: {
        cpu: cpus()[0]?.model ?? "unknown",
        cores: cpus().length,
        memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
        node: process.version,
      },
      versions: {
        convexLocal: installedVersion(CONVEX_LOCAL_DIR) ?? "unknown",
        sides: Object.fromEntries(apps.map((app) => [app.side.id, sideVersions(app.side)])),
      },
      ...plan,
      sides: apps.map((app) => app.side.id),
      ...(priorArtSkipped ? { priorArtSkipped } : {}),
      deployMs: Object.fromEntries(apps.map((app) => [app.side.id, app.deployMs])),
      operations,
      ssr,
      load: [loadAtStart, loadavg()[0]!],
      durationMs: performance.now() - started,
    };
  } finally {
    await Promise.all(apps.map((app) => app.server.stop()));
    rmSync(workDir, { recursive: true, force: true });
  }
}
