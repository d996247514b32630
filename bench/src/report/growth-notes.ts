/**
 * Operations whose reads grow with the number of users (other than count),
 * per side, with the cause where the bench's authors traced it.
 */
import type { SizeResult } from "../measure/result-types.ts";
import type { SideId } from "../sides/side.ts";
import { int } from "./format.ts";

/** Causes read in the libraries' code; shown only when the data shows the growth. */
const KNOWN_CAUSES: Record<string, string> = {
  "prior-art:listSessions":
    "Better Auth 1.6 lists sessions with `userId = ? AND expiresAt > now`. The prior art's index picker wants an index " +
    "on exactly [userId, expiresAt]; its schema has `userId` and `expiresAt_userId`, so it logs " +
    '"Querying without an index on table "session"" and pages through the whole session table.',
};

export function growthNotes(sizes: SizeResult[]): string[] {
  if (sizes.length < 2) return [];
  const notes: string[] = [];
  for (const first of sizes[0]!.operations) {
    if (first.id === "countUsers") continue;
    for (const sideId of ["ours", "prior-art"] as SideId[]) {
      const runs = sizes.map((size) => size.operations.find((op) => op.id === first.id)!.sides[sideId].metered);
      const reads = runs.map((run) => run.documentsRead);
      if (reads.every((r) => r === reads[0])) continue;
      notes.push(
        `${sideId} ${first.label}: ${reads.map(int).join(" → ")} documents in ${runs.map((r) => int(r.calls)).join(" → ")} ` +
          `calls for ${sizes.map((s) => int(s.users)).join(" → ")} users.` +
          (KNOWN_CAUSES[`${sideId}:${first.id}`] ? ` ${KNOWN_CAUSES[`${sideId}:${first.id}`]}` : ""),
      );
    }
  }
  return notes;
}
