/**
 * The page render of the guide's Next.js app on each deployed side, with
 * `jwtCache` on and off: each side's app is built once (`next build`), then
 * served twice (`next start`, BENCH_JWT_CACHE=on / off), each server signs
 * the user in through its own `/api/auth`, and the four pages are timed in
 * one loop, alternating run by run.
 *
 * Ours must build and serve, or the part fails; the prior art is measured
 * when it does, otherwise the result says why not.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SideId } from "../sides/side.ts";
import type { DeployedApp } from "./deploy-guide-app.ts";
import type { CountSummary, SsrResult, SsrVariantResult } from "./e2e-result-types.ts";
import { buildNextApp, resolveNext, startNextServer, type NextServer } from "./next-server.ts";
import { signInThroughNext, ssrPageProbe } from "./ssr-page-probe.ts";
import { timeProbes, type E2eProbe, type TimingPlan } from "./time-probes.ts";

export const SSR_LABEL = "SSR page render: GET / of the Next.js example (`next start`), signed in";

type Variant = { key: string; app: DeployedApp; jwtCache: boolean; probe: ReturnType<typeof ssrPageProbe> };

function summarizeCounts(values: number[]): CountSummary {
  return {
    min: Math.min(...values),
    max: Math.max(...values),
    mean: values.reduce((sum, v) => sum + v, 0) / values.length,
  };
}

/** Builds `app`'s Next.js app and serves it with `jwtCache` on and off, signed in on each. */
async function prepareSide(
  app: DeployedApp,
  servers: NextServer[],
  log: (message: string) => void,
): Promise<{ buildMs: number; variants: Variant[] }> {
  log(`next build (${app.side.label})…`);
  const buildMs = await buildNextApp(app.appDir, app.server);
  const variants: Variant[] = [];
  for (const jwtCache of [true, false]) {
    const setting = jwtCache ? "on" : "off";
    const requestLog = join(dirname(app.appDir), `next-requests-${setting}.log`);
    writeFileSync(requestLog, "");
    const next = await startNextServer(app.appDir, app.server, requestLog, { BENCH_JWT_CACHE: setting });
    servers.push(next);
    const cookies = await signInThroughNext(next, app.user);
    variants.push({ key: `${app.side.id}:${setting}`, app, jwtCache, probe: ssrPageProbe(next, app.user, cookies) });
  }
  return { buildMs, variants };
}

/**
 * Measures the page on every app in `apps` (ours first) and stops every
 * Next.js server it started, also when something fails.
 *
 * @example
 * const ssr = await measureSsrRender(apps, { warmUpRuns: 20, runs: 200 }, console.log);
 */
export async function measureSsrRender(
  apps: DeployedApp[],
  plan: TimingPlan,
  log: (message: string) => void,
): Promise<SsrResult> {
  const servers: NextServer[] = [];
  const buildMs: Partial<Record<SideId, number>> = {};
  const variants: Variant[] = [];
  let priorArtSkipped: string | undefined;
  try {
    for (const app of apps) {
      const startedServers = servers.length;
      try {
        const side = await prepareSide(app, servers, log);
        buildMs[app.side.id] = side.buildMs;
        variants.push(...side.variants);
      } catch (error) {
        if (app.side.id === "ours") throw error;
        await Promise.all(servers.splice(startedServers).map((server) => server.stop()));
        priorArtSkipped = (error as Error).message;
        log(`measuring ours only: ${priorArtSkipped.split("\n")[0]}`);
      }
    }
    log(`${SSR_LABEL}: ${plan.warmUpRuns} warm-up + ${plan.runs} runs per side and setting…`);
    const stats = await timeProbes(new Map<string, E2eProbe>(variants.map((v) => [v.key, v.probe])), plan);
    const measured = new Set(variants.map((v) => v.app));
    return {
      label: SSR_LABEL,
      next: Object.fromEntries([...measured].map((app) => [app.side.id, resolveNext(app.appDir).version])),
      buildMs,
      typeCheckSkipped: Object.fromEntries(
        [...measured].flatMap((app) =>
          app.side.nextSkipsTypeCheck ? [[app.side.id, app.side.nextSkipsTypeCheck]] : [],
        ),
      ),
      jwtCacheOption: Object.fromEntries([...measured].map((app) => [app.side.id, app.side.nextJwtCacheOption])),
      jwtCacheDefault: Object.fromEntries([...measured].map((app) => [app.side.id, app.side.jwtCacheDefault])),
      variants: variants.map((v): SsrVariantResult => {
        const counts = v.probe.counts();
        return {
          side: v.app.side.id,
          jwtCache: v.jwtCache,
          stats: stats[v.key]!,
          tokenRoundTrips: summarizeCounts(counts.tokenRoundTrips),
          requests: summarizeCounts(counts.requests),
          byPath: counts.byPath,
        };
      }),
      ...(priorArtSkipped ? { priorArtSkipped } : {}),
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
