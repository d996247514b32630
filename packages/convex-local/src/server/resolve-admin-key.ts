import { randomBytes } from "node:crypto";
import type { DeployStore } from "../deploy/deploy-store.ts";

const ADMIN_KEY_META = "admin_key";

/**
 * The deployment's admin key: the given one, else the one persisted in the
 * data dir, else a new random key that is persisted for the next start (so
 * `.env.local` files written by the CLI keep working across restarts).
 *
 * @example
 * ```ts
 * const adminKey = resolveAdminKey(store, options.adminKey);
 * ```
 */
export function resolveAdminKey(store: DeployStore, given: string | undefined): string {
  if (given !== undefined && given !== "") return given;
  const persisted = store.getMeta(ADMIN_KEY_META);
  if (persisted) return persisted;
  // Same shape as self-hosted Convex keys (`<instance>|<hex>`); no ":" so the
  // acting-as suffix of the Authorization header stays unambiguous.
  const generated = `convex-local|${randomBytes(32).toString("hex")}`;
  store.setMeta(ADMIN_KEY_META, generated);
  return generated;
}
