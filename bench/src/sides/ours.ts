/**
 * convex-better-auth: like the prior art, Better Auth's `id` is the Convex
 * `_id` (no `id` field), and the JWT's `sub`/`sessionId` are `_id`s.
 */
import { OURS_COMPONENT_DIR } from "../engine/paths.ts";
import { emailOf, seedAccount, seedSession, seedUser } from "../engine/seed-data.ts";
import type { Side } from "./side.ts";

export const ours: Side = {
  id: "ours",
  library: "convex-better-auth",
  appDir: "ours",
  componentDir: OURS_COMPONENT_DIR,
  async seedUsers(db, start, count, clock, passwordHash) {
    for (let i = start; i < start + count; i++) {
      const userId = await db.insert("user", seedUser(i, clock));
      await db.insert("account", { accountId: userId, userId, ...seedAccount(clock, passwordHash) });
      await db.insert("session", { userId, ...seedSession(i, clock) });
    }
  },
  async identityOf(db, i) {
    const user = await db
      .query("user")
      .withIndex("email", (q: any) => q.eq("email", emailOf(i)))
      .unique();
    const session = await db
      .query("session")
      .withIndex("userId", (q: any) => q.eq("userId", user._id))
      .first();
    return { userId: user._id, sessionId: session._id };
  },
};
