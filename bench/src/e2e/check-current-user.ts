/**
 * The answer `getCurrentUser` must give the signed-up user, on either side:
 * ours returns the component's user document with Better Auth's `id`, the
 * prior art its document whose `_id` is the user id. Anything else (null,
 * an error value, another user) fails the run instead of being timed.
 */
import type { SignedUpUser } from "./sign-up.ts";

/**
 * Throws unless `answer` is `user`'s document.
 *
 * @example
 * checkCurrentUser(await client.query(api.auth.getCurrentUser, {}), user);
 */
export function checkCurrentUser(answer: unknown, user: SignedUpUser): void {
  const doc = answer as { id?: unknown; _id?: unknown; email?: unknown } | null;
  const id = doc?.id ?? doc?._id;
  if (doc === null || typeof doc !== "object" || id !== user.userId || doc.email !== user.email) {
    throw new Error(
      `getCurrentUser answered ${JSON.stringify(answer)}, expected the user ${user.userId} (${user.email})`,
    );
  }
}
