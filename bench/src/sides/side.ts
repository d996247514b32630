/** What the harness needs to know about one library to deploy and drive it. */
import type { SeedClock } from "../engine/seed-data.ts";

export type SideId = "ours" | "prior-art";

/** The ids a JWT for user `i` carries, in the side's own id scheme. */
export type UserIdentity = { userId: string; sessionId: string };

export type Side = {
  id: SideId;
  /** npm name and version, for the report. */
  library: string;
  /** Folder of the side's app modules under `src/apps/`. */
  appDir: string;
  /** The built component folder: `schema.js`, `adapter.js`, `_generated/`. */
  componentDir: string;
  /** Inserts users `[start, start + count)` with their account and session; runs inside the component. */
  seedUsers(db: any, start: number, count: number, clock: SeedClock, passwordHash: string): Promise<void>;
  /** The identity claims (`sub`, `sessionId`) the side's JWT has for user `i`; runs inside the component. */
  identityOf(db: any, i: number): Promise<UserIdentity>;
};
