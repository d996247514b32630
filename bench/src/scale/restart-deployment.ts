/**
 * Step 3 of a scale size: `convex-local start` again over the seeded data
 * dir, on the first start's ports (the pushed auth config names the site
 * URL). Measures the time from spawning the process to its ready line, its
 * RSS right then, and the first `/convex/token` and first authenticated
 * `ConvexClient` after it (work a server may leave until first use).
 */
import type { ConvexLocalServer } from "../e2e/convex-local-process.ts";
import { startConvexLocal } from "../e2e/convex-local-process.ts";
import type { DeployedApp } from "../e2e/deploy-guide-app.ts";
import { OURS_E2E } from "../e2e/e2e-sides.ts";
import { openSyncQueryProbe } from "../e2e/sync-query-probe.ts";
import { tokenProbe } from "../e2e/token-probe.ts";
import { processMemory, type ProcessMemory } from "./process-memory.ts";
import type { SeededDeployment } from "./seed-deployment.ts";

/** Loading 100,000 users' data at start takes a while on a busy machine. */
const RESTART_READY_TIMEOUT_MS = 600_000;

export type RestartedDeployment = {
  seeded: SeededDeployment;
  server: ConvexLocalServer;
  /** What the probes act on: the restarted server and the seeded user. */
  app: DeployedApp;
  readyMs: number;
  memoryAfterReady?: ProcessMemory;
  firstTokenMs: number;
  firstClientMs: number;
};

/**
 * Restarts `seeded`'s server and makes its first calls; the caller stops
 * `server` (it is stopped here when a first call fails).
 *
 * @example
 * const restarted = await restartDeployment(seeded);
 * try { ... } finally { await restarted.server.stop(); }
 */
export async function restartDeployment(seeded: SeededDeployment): Promise<RestartedDeployment> {
  const spawned = performance.now();
  const server = await startConvexLocal(seeded.dataDir, {
    readyTimeoutMs: RESTART_READY_TIMEOUT_MS,
    ports: seeded.ports,
  });
  const readyMs = performance.now() - spawned;
  try {
    const memoryAfterReady = processMemory(server.pid);
    const app: DeployedApp = { side: OURS_E2E, appDir: seeded.appDir, server, user: seeded.user, deployMs: 0 };
    const token = tokenProbe(app);
    let started = performance.now();
    const firstToken = await token.call();
    const firstTokenMs = performance.now() - started;
    await token.check(firstToken);
    started = performance.now();
    const client = await openSyncQueryProbe(app);
    const firstClientMs = performance.now() - started;
    await client.close();
    return {
      seeded,
      server,
      app,
      readyMs,
      ...(memoryAfterReady ? { memoryAfterReady } : {}),
      firstTokenMs,
      firstClientMs,
    };
  } catch (error) {
    const tail = server.recentOutput().trim();
    await server.stop();
    throw new Error(
      `the first calls after restarting ${seeded.users} users failed: ${(error as Error).message}${tail ? `\nconvex-local said:\n${tail}` : ""}`,
      { cause: error },
    );
  }
}
