/**
 * The users every deployment is seeded with: user `i` has one credential
 * account (the same password for everyone, hashed once) and one live
 * session. Both sides get exactly these rows; only the document shape
 * differs (ours stores Better Auth's string `id`, the prior art uses `_id`).
 */

/** Day length in ms; sessions expire in Better Auth's default 7 days. */
const DAY = 86_400_000;
/** Users inserted per transaction while seeding. */
export const SEED_BATCH = 2_500;

export type SeedClock = { now: number };

export function seedUser(i: number, clock: SeedClock) {
  const createdAt = clock.now - 30 * DAY + i;
  return { name: `Bench User ${i}`, email: emailOf(i), emailVerified: true, createdAt, updatedAt: createdAt };
}

/**
 * A session created "now" with the default 7-day lifetime, so neither side
 * refreshes it (Better Auth refreshes once a day has passed) during a run.
 */
export function seedSession(i: number, clock: SeedClock) {
  return {
    token: sessionTokenOf(i),
    expiresAt: clock.now + 7 * DAY,
    createdAt: clock.now,
    updatedAt: clock.now,
    ipAddress: "127.0.0.1",
    userAgent: "convex-better-auth-bench",
  };
}

export function seedAccount(clock: SeedClock, passwordHash: string) {
  return { providerId: "credential", password: passwordHash, createdAt: clock.now, updatedAt: clock.now };
}

export const emailOf = (i: number) => `user${i}@bench.example`;
/** 32 characters, like the tokens Better Auth generates. */
export const sessionTokenOf = (i: number) => `benchsession${String(i).padStart(20, "0")}`;
