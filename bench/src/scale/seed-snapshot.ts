/**
 * The users the scale part imports, as a snapshot ZIP for
 * `npx convex import --component betterAuth`: one `documents.jsonl` per
 * component table (`user`, `account`, `session`), rows in the shape the
 * component's schema and Better Auth expect (the same rows the in-process
 * part seeds, `engine/seed-data.ts`). Signing 100,000 users up over HTTP
 * would hash 100,000 passwords; every imported account shares one hash.
 *
 * Users carry placeholder `_id`s (`seed:user:<i>`) that the accounts and
 * sessions reference. They are not this deployment's ids, so the import
 * gives each user a fresh id and rewrites every reference to it, as it does
 * for a snapshot from another deployment; the rows end up exactly as
 * `db.insert` would have written them.
 */
import { emailOf, seedAccount, seedSession, seedUser, type SeedClock } from "../engine/seed-data.ts";
import { zipArchive } from "./zip-archive.ts";

/** The component the guide's `app.use(betterAuth)` mounts, as `--component` names it. */
export const AUTH_COMPONENT = "betterAuth";

/** Not a Convex id (those start with digits), so the import replaces it. */
const placeholderId = (i: number) => `seed:user:${i}`;

function jsonLines(count: number, row: (i: number) => object): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(JSON.stringify(row(i)));
  return Buffer.from(`${lines.join("\n")}\n`, "utf8");
}

/**
 * The ZIP and the number of documents it holds (three per user).
 *
 * @example
 * const { zip, documents } = seedSnapshot(99_995, { now: Date.now() }, passwordHash);
 */
export function seedSnapshot(
  users: number,
  clock: SeedClock,
  passwordHash: string,
): { zip: Buffer; documents: number } {
  const files = new Map<string, Buffer>([
    ["user/documents.jsonl", jsonLines(users, (i) => ({ _id: placeholderId(i), ...seedUser(i, clock) }))],
    [
      "account/documents.jsonl",
      jsonLines(users, (i) => ({
        accountId: placeholderId(i),
        userId: placeholderId(i),
        ...seedAccount(clock, passwordHash),
      })),
    ],
    ["session/documents.jsonl", jsonLines(users, (i) => ({ userId: placeholderId(i), ...seedSession(i, clock) }))],
  ]);
  return { zip: zipArchive(files), documents: users * 3 };
}

/** The email of imported user `i`, to sign in as one. */
export const seededEmail = emailOf;
