import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
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

/**
 * The admin key persisted in a data dir (what `convex-local admin-key`
 * prints), read without creating or changing anything, so it works while the
 * server runs. Null when the dir has no store or no generated key (a server
 * that only ever ran with `--admin-key` keeps none).
 *
 * @example
 * ```ts
 * const adminKey = readPersistedAdminKey(".convex-local");
 * ```
 */
export function readPersistedAdminKey(dataDir: string): string | null {
  const file = path.join(dataDir, "deploy.sqlite");
  if (!existsSync(file)) return null;
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(ADMIN_KEY_META) as { value: string } | undefined;
    return row?.value ?? null;
  } catch {
    // A store from before the meta table existed.
    return null;
  } finally {
    db.close();
  }
}

/**
 * The key's instance prefix and first four characters, e.g. `convex-local|a1b2…`: enough to tell keys apart, not enough to use one.
 *
 * @example
 * ```ts
 * maskAdminKey("convex-local|0123456789abcdef"); // "convex-local|0123…"
 * ```
 */
export function maskAdminKey(adminKey: string): string {
  const bar = adminKey.indexOf("|");
  const prefix = bar === -1 ? "" : adminKey.slice(0, bar + 1);
  return `${prefix}${adminKey.slice(prefix.length, prefix.length + 4)}…`;
}
