/**
 * Steps 1 and 2 of a scale size: the seed app on a fresh convex-local with
 * `users` users, then the server stopped, its data dir kept for the restart.
 *
 * 1. Deploy as the guide does (`npx convex env set`, `npx convex dev --once`).
 * 2. Import all users but a few with `npx convex import --component betterAuth`
 *    (`seed-snapshot.ts`), sign one imported user in over HTTP to prove the
 *    rows are what Better Auth reads, and sign the last few up over HTTP: they
 *    are the users the timed calls act as.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashPassword } from "better-auth/crypto";
import { PASSWORD, SITE_URL } from "../engine/bench-env.ts";
import { runConvexCli } from "../e2e/convex-cli.ts";
import { startConvexLocal } from "../e2e/convex-local-process.ts";
import { signUpUser, type SignedUpUser } from "../e2e/sign-up.ts";
import { writeSeedApp } from "./seed-app.ts";
import { AUTH_COMPONENT, seededEmail, seedSnapshot } from "./seed-snapshot.ts";

/** Users signed up over HTTP per size; the rest are imported. */
export const SIGNED_UP_USERS = 5;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** `POST /sign-in/email` as imported user `i`: fails unless Better Auth finds the user and its password. */
async function checkImportedSignIn(siteUrl: string, i: number): Promise<void> {
  const email = seededEmail(i);
  const response = await fetch(`${siteUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: SITE_URL },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const body = await response.text();
  const user = response.status === 200 ? (JSON.parse(body) as { user?: { email?: string } }).user : undefined;
  if (user?.email !== email)
    throw new Error(`signing in as imported user ${email} answered ${response.status}: ${body.slice(0, 300)}`);
}

/** A deployment with its users, its server stopped: ready to be restarted over its data. */
export type SeededDeployment = {
  users: number;
  imported: number;
  appDir: string;
  dataDir: string;
  /** The ports of the first start, which a restart must reuse (see `convex-local-process.ts`). */
  ports: { port: number; sitePort: number };
  /** The first signed-up user: the one the timed calls act as. */
  user: SignedUpUser;
  snapshotMiB: number;
  importMs: number;
  importedDocuments: number;
};

/**
 * Deploys the seed app into `sizeDir` (app and data dir), imports and signs
 * up `users` users, and stops the server.
 *
 * @example
 * const seeded = await seedDeployment(10_000, join(workDir, "10000"), console.log);
 */
export async function seedDeployment(
  users: number,
  sizeDir: string,
  log: (message: string) => void,
): Promise<SeededDeployment> {
  mkdirSync(sizeDir, { recursive: true });
  const appDir = join(sizeDir, "app");
  writeSeedApp(appDir);
  const imported = users - SIGNED_UP_USERS;
  const clock = { now: Date.now() };
  const { zip, documents } = seedSnapshot(imported, clock, await hashPassword(PASSWORD));
  const zipPath = join(sizeDir, "seed.zip");
  writeFileSync(zipPath, zip);

  const dataDir = join(sizeDir, "data");
  const server = await startConvexLocal(dataDir);
  try {
    await runConvexCli(appDir, server, ["env", "set", "BETTER_AUTH_SECRET", randomBytes(32).toString("base64")]);
    await runConvexCli(appDir, server, ["env", "set", "SITE_URL", SITE_URL]);
    await runConvexCli(appDir, server, ["dev", "--once", "--typecheck", "disable", "--tail-logs", "disable"]);
    log(`${users.toLocaleString("en-US")} users: importing ${documents.toLocaleString("en-US")} documents…`);
    const { value: output, ms: importMs } = await timed(() =>
      runConvexCli(appDir, server, ["import", "--component", AUTH_COMPONENT, "--append", "-y", zipPath]),
    );
    const added = /Added ([\d,]+) documents/.exec(output);
    if (added === null || Number(added[1]!.replaceAll(",", "")) !== documents)
      throw new Error(`npx convex import did not report ${documents} documents added:\n${output}`);
    await checkImportedSignIn(server.siteUrl, Math.floor(imported / 2));
    const signedUp: SignedUpUser[] = [];
    for (let i = 0; i < SIGNED_UP_USERS; i++) signedUp.push(await signUpUser(server.siteUrl, SITE_URL));
    const ports = { port: Number(new URL(server.cloudUrl).port), sitePort: Number(new URL(server.siteUrl).port) };
    return {
      users,
      imported,
      appDir,
      dataDir,
      ports,
      user: signedUp[0]!,
      snapshotMiB: zip.length / 2 ** 20,
      importMs,
      importedDocuments: documents,
    };
  } catch (error) {
    const tail = server.recentOutput().trim();
    throw new Error(`${(error as Error).message}${tail ? `\nconvex-local said:\n${tail}` : ""}`, { cause: error });
  } finally {
    await server.stop();
  }
}
