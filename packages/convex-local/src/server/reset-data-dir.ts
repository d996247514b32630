import { readdir, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { CodedError } from "../deploy/coded-error.ts";

/**
 * Every entry convex-local creates at the top of a data dir: the deploy
 * store, the engine store (each with SQLite's `-wal`/`-shm`/`-journal`
 * companions), pushed module files, staged pushes and the external packages
 * of Node actions. Code that adds a new entry must add it here, or
 * `convex-local reset` leaves it behind.
 */
export const DATA_DIR_ENTRY =
  /^(?:(?:deploy|engine)\.sqlite(?:-wal|-shm|-journal)?|modules|staging|external-packages)$/;

/** What {@link resetDataDir} did. */
export type ResetOutcome = {
  /** Entries deleted (convex-local's own). */
  removed: string[];
  /** Entries left in place: files convex-local did not create. */
  kept: string[];
  /** Whether the data dir itself was deleted (it held nothing else). */
  removedDir: boolean;
};

/**
 * Deletes what convex-local created in `dataDir` (its state: deployed code,
 * data, env vars, admin key) and nothing else: files a user put there stay,
 * and so does the directory when they do. A directory without either store
 * is refused, since it is most likely a mistyped path. Resolves to null when
 * `dataDir` does not exist.
 *
 * @throws CodedError `NotADataDir` when `dataDir` has neither `deploy.sqlite` nor `engine.sqlite`.
 * @example
 * ```ts
 * const outcome = await resetDataDir(".convex-local");
 * outcome?.kept; // ["notes.txt"]
 * ```
 */
export async function resetDataDir(dataDir: string): Promise<ResetOutcome | null> {
  const entries = await readdir(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  if (entries === null) return null;
  if (!entries.includes("deploy.sqlite") && !entries.includes("engine.sqlite")) {
    throw new CodedError(
      "NotADataDir",
      `${dataDir} does not look like a convex-local data dir (no deploy.sqlite or engine.sqlite); not deleting anything.`,
    );
  }
  const removed = entries.filter((entry) => DATA_DIR_ENTRY.test(entry)).sort();
  const kept = entries.filter((entry) => !DATA_DIR_ENTRY.test(entry)).sort();
  // The stores last: a reset cut short still looks like a data dir and can be rerun.
  const stores = removed.filter((entry) => entry.includes(".sqlite"));
  for (const entry of removed.filter((e) => !stores.includes(e)))
    await rm(path.join(dataDir, entry), { recursive: true, force: true });
  for (const entry of stores) await rm(path.join(dataDir, entry), { force: true });
  const removedDir =
    kept.length === 0 &&
    (await rmdir(dataDir).then(
      () => true,
      () => false,
    ));
  return { removed, kept, removedDir };
}
