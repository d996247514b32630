/**
 * One side, deployed the way the guide and `npm start` do it: a fresh
 * convex-local, `npx convex env set` for BETTER_AUTH_SECRET and SITE_URL,
 * `npx convex dev --once` to push the guide's app, then one sign-up over
 * HTTP. Everything it starts is stopped again if a step fails.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { SITE_URL } from "../engine/bench-env.ts";
import { runConvexCli } from "./convex-cli.ts";
import { startConvexLocal, type ConvexLocalServer } from "./convex-local-process.ts";
import type { E2eSide } from "./e2e-sides.ts";
import { writeGuideApp } from "./guide-app.ts";
import { signUpUser, type SignedUpUser } from "./sign-up.ts";

export type DeployedApp = {
  side: E2eSide;
  /** The guide's app as deployed: its `convex/` (with `_generated/`) and the Next.js app around it. */
  appDir: string;
  server: ConvexLocalServer;
  user: SignedUpUser;
  /** Server start to signed-up user, ms: the cost of a cold deployment, for the report. */
  deployMs: number;
};

/**
 * Deploys `side` with its data and app under `workDir` (a temp dir the
 * caller removes after stopping the server).
 *
 * @example
 * const app = await deployGuideApp(OURS_E2E, workDir);
 * try { ... } finally { await app.server.stop(); }
 */
export async function deployGuideApp(side: E2eSide, workDir: string): Promise<DeployedApp> {
  const started = performance.now();
  const sideDir = join(workDir, side.id);
  const appDir = join(sideDir, "app");
  mkdirSync(sideDir, { recursive: true });
  writeGuideApp(side, appDir);
  const server = await startConvexLocal(join(sideDir, "data"));
  try {
    // A secret of the guide's recommended size (`openssl rand -base64 32`), new each run.
    await runConvexCli(appDir, server, ["env", "set", "BETTER_AUTH_SECRET", randomBytes(32).toString("base64")]);
    // The app's public URL (Next.js in the guide). Requests carry it as Origin;
    // they go straight to the site port, where the app's proxy would send them.
    await runConvexCli(appDir, server, ["env", "set", "SITE_URL", SITE_URL]);
    await runConvexCli(appDir, server, ["dev", "--once", "--typecheck", "disable", "--tail-logs", "disable"]);
    const user = await signUpUser(server.siteUrl, SITE_URL);
    return { side, appDir, server, user, deployMs: performance.now() - started };
  } catch (error) {
    const tail = server.recentOutput().trim();
    await server.stop();
    throw new Error(
      `deploying the ${side.label} app failed: ${(error as Error).message}${tail ? `\nconvex-local said:\n${tail}` : ""}`,
      { cause: error },
    );
  }
}
