/**
 * Test setup for the hardening tests: convex-local in-process on free ports
 * with the `hardening-app` fixture (the guide's Better Auth app with
 * `registerRoutes(…, { cors: true })`, plus functions that report their
 * `process.env` and slow functions) pushed with the real CLI.
 */
import type { ConvexLocal, ConvexLocalOptions } from "../server/start-convex-local.ts";
import { startConvexLocal } from "../server/start-convex-local.ts";
import { copyFixtureApp, dataDirIn, ensureBetterAuthBuilt, makeScratchDir, pushOnce } from "./cli-harness.ts";

/** The app's `SITE_URL`: Better Auth's base URL, so the origin its CORS trusts. */
export const HARDENING_SITE_URL = "http://localhost:3000";

/** Everything a hardening test needs. */
export type HardeningAppSetup = { server: ConvexLocal; appDir: string; stop(): Promise<void> };

/**
 * Sets deployment env vars through the admin API (`npx convex env set` does the same request).
 *
 * @example
 * await setEnv(server, { SITE_URL: "http://localhost:3000" });
 */
export async function setEnv(
  server: { cloudUrl: string; adminKey: string },
  variables: Record<string, string | null>,
): Promise<void> {
  const response = await fetch(`${server.cloudUrl}/api/update_environment_variables`, {
    method: "POST",
    headers: { authorization: `Convex ${server.adminKey}`, "content-type": "application/json" },
    body: JSON.stringify({ changes: Object.entries(variables).map(([name, value]) => ({ name, value })) }),
  });
  if (!response.ok) throw new Error(`setting env vars failed: ${response.status} ${await response.text()}`);
}

/**
 * Starts convex-local with `options` (ports and data dir are chosen here)
 * and pushes the hardening app.
 *
 * @example
 * const setup = await startHardeningApp({ maxConcurrency: 4 });
 * await setup.stop();
 */
export async function startHardeningApp(
  options: Omit<ConvexLocalOptions, "port" | "sitePort" | "dataDir"> = {},
): Promise<HardeningAppSetup> {
  ensureBetterAuthBuilt();
  const scratch = await makeScratchDir();
  let server: ConvexLocal | undefined;
  const stop = async () => {
    await server?.stop();
    await scratch.cleanup();
  };
  try {
    const appDir = await copyFixtureApp("hardening-app", scratch.dir);
    server = await startConvexLocal({ ...options, port: 0, sitePort: 0, dataDir: dataDirIn(scratch.dir) });
    await setEnv(server, { SITE_URL: HARDENING_SITE_URL, BETTER_AUTH_SECRET: "hardening-secret-0123456789abcdef0123" });
    await pushOnce(appDir, server);
    return { server, appDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
