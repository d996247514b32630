/**
 * Deploys one side and seeds it: `users` users, each with a credential
 * account and a live session, then picks the users the operations act as.
 */
import { createDeployment, type Deployment } from "../engine/create-deployment.ts";
import { SEED_BATCH, emailOf, sessionTokenOf, type SeedClock } from "../engine/seed-data.ts";
import { sessionCookieHeader } from "../engine/session-cookie.ts";
import type { Side } from "../sides/side.ts";

export type PreparedSide = {
  side: Side;
  t: Deployment;
  /** The deployment as the target user, with the JWT claims the side's token carries. */
  asTarget: Deployment;
  users: number;
  /** The user every read-only operation acts as: in the middle of every index. */
  targetEmail: string;
  /** Cookie header of the target user's seeded session. */
  targetCookie: string;
  /** A different user for sign-ins, whose sessions pile up as the runs repeat. */
  signInEmail: string;
  seedMs: number;
};

type ComponentRunner = { runInComponent<T>(path: string, handler: (ctx: any) => Promise<T>): Promise<T> };

export async function prepareSide(
  side: Side,
  users: number,
  clock: SeedClock,
  passwordHash: string,
): Promise<PreparedSide> {
  const t = await createDeployment(side);
  // `runInComponent` is on convex-test's accessor but not in its types.
  const component = t as unknown as ComponentRunner;
  const started = performance.now();
  for (let start = 0; start < users; start += SEED_BATCH) {
    const count = Math.min(SEED_BATCH, users - start);
    await component.runInComponent("betterAuth", (ctx) => side.seedUsers(ctx.db, start, count, clock, passwordHash));
  }
  const seedMs = performance.now() - started;
  const target = Math.floor(users / 2);
  const identity = await component.runInComponent("betterAuth", (ctx) => side.identityOf(ctx.db, target));
  // What Convex derives from the side's JWT: `sub` and the `sessionId` claim.
  const asTarget = t.withIdentity({
    subject: identity.userId,
    sessionId: identity.sessionId,
  } as never) as unknown as Deployment;
  return {
    side,
    t,
    asTarget,
    users,
    targetEmail: emailOf(target),
    targetCookie: sessionCookieHeader(sessionTokenOf(target)),
    signInEmail: emailOf(Math.floor(users / 4)),
    seedMs,
  };
}
