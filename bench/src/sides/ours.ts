/**
 * convex-better-auth: documents carry Better Auth's string `id` (indexed),
 * and the JWT's `sub`/`sessionId` are those ids.
 */
import { OURS_COMPONENT_DIR } from "../engine/paths.ts";
import { emailOf, seedAccount, seedSession, seedUser } from "../engine/seed-data.ts";
import type { Side } from "./side.ts";

const userId = (i: number) => `benchuser${String(i).padStart(23, "0")}`;
const sessionId = (i: number) => `benchsessid${String(i).padStart(21, "0")}`;

export const ours: Side = {
  id: "ours",
  library: "convex-better-auth",
  appDir: "ours",
  componentDir: OURS_COMPONENT_DIR,
  async seedUsers(db, start, count, clock, passwordHash) {
    for (let i = start; i < start + count; i++) {
      await db.insert("user", { id: userId(i), ...seedUser(i, clock) });
      await db.insert("account", { id: `benchacct${i}`, accountId: userId(i), userId: userId(i), ...seedAccount(clock, passwordHash) });
      await db.insert("session", { id: sessionId(i), userId: userId(i), ...seedSession(i, clock) });
    }
  },
  async identityOf(db, i) {
    const user = await db.query("user").withIndex("email", (q: any) => q.eq("email", emailOf(i))).unique();
    const session = await db.query("session").withIndex("userId", (q: any) => q.eq("userId", user.id)).first();
    return { userId: user.id, sessionId: session.id };
  },
};
