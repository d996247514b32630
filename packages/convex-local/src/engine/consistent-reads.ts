/**
 * Reads "at a timestamp" for `/api/query_ts` and `/api/query_at_ts`
 * (`ConvexHttpClient.consistentQuery`), on an engine that keeps only the
 * latest state.
 *
 * The backend keeps old versions for a retention window and runs the query
 * on the snapshot at `ts`. convex-local has no old versions; it keeps the
 * write sets of the commits of the last {@link RETENTION_MS} instead, runs
 * the query on the latest state and checks its read set against every write
 * committed after `ts`: when none touches what the query read, the latest
 * result is the result at `ts`. When one does, or `ts` is older than what the
 * log covers, the call fails as the backend fails a read outside its
 * retention window (503 `InternalServerError`, "Your request couldn't be
 * completed. Try again later.").
 */
import { CodedError } from "../deploy/coded-error.ts";
import { readSetOverlaps, type CommitWrite } from "./read-set.ts";
import { trackReads } from "./read-set-tracking.ts";

/** How long commits stay in the log: the window `consistentQuery`'s docs promise ("30 seconds"). */
export const RETENTION_MS = 30_000;

/** At most this many commits stay in the log, whatever their age (memory bound). */
const MAX_LOGGED_COMMITS = 10_000;

/** What {@link consistentReadsOf} needs beyond the Engine contract (`PersistentEngine` has both). */
export type CommitSource = {
  lastCommitTs(): bigint;
  onCommitWrites(listener: (commit: { ts: bigint; writes: CommitWrite[] }) => void): () => void;
};

/** Consistent reads over one engine. */
export type ConsistentReads = {
  /** The ts of the latest commit: what `/api/query_ts` answers. */
  latestTs(): bigint;
  /**
   * Runs `run` (a query in the engine) as of `ts` or throws a {@link CodedError}:
   * 400 `InvalidTimestamp` for a ts after the latest commit, 503
   * `InternalServerError` when the result at `ts` can no longer be served.
   */
  readAt<T>(ts: bigint, componentPath: string, run: () => Promise<T>): Promise<T>;
};

type LoggedCommit = { ts: bigint; loggedAt: number; writes: CommitWrite[] };

const readsByEngine = new WeakMap<object, ConsistentReads>();

/**
 * The consistent reads of `engine` (one log per engine, made on first use:
 * timestamps before that are out of the window), or null when the engine
 * does not report its commits.
 *
 * @example
 * const reads = consistentReadsOf(engine);
 * const ts = reads?.latestTs();
 * const result = await reads?.readAt(ts!, "", () => engine.run(request));
 */
export function consistentReadsOf(engine: object): ConsistentReads | null {
  const known = readsByEngine.get(engine);
  if (known !== undefined) return known;
  const source = engine as Partial<CommitSource>;
  if (typeof source.lastCommitTs !== "function" || typeof source.onCommitWrites !== "function") return null;
  const reads = createConsistentReads(source as CommitSource);
  readsByEngine.set(engine, reads);
  return reads;
}

/**
 * Consistent reads over `source`'s commits from now on.
 *
 * @example
 * const reads = createConsistentReads(engine, { now: () => clock });
 */
export function createConsistentReads(source: CommitSource, options: { now?: () => number } = {}): ConsistentReads {
  const now = options.now ?? Date.now;
  const log: LoggedCommit[] = [];
  // Commits at or before this ts are either older than the log or not logged.
  let oldestServable = source.lastCommitTs();

  function prune(): void {
    const cutoff = now() - RETENTION_MS;
    while (log.length > 0 && (log.length > MAX_LOGGED_COMMITS || log[0]!.loggedAt < cutoff)) {
      oldestServable = log.shift()!.ts;
    }
  }

  source.onCommitWrites.call(source, ({ ts, writes }) => {
    log.push({ ts, loggedAt: now(), writes });
    prune();
  });

  return {
    latestTs: () => source.lastCommitTs.call(source),

    async readAt(ts, componentPath, run) {
      if (ts > source.lastCommitTs.call(source)) {
        throw new CodedError(
          "InvalidTimestamp",
          `Timestamp ${ts} is more recent than the latest commit; get one from /api/query_ts.`,
        );
      }
      prune();
      if (ts < oldestServable) throw outOfRetention();
      const tracked = await trackReads({ componentPath, journal: null }, run);
      // Commits that landed while the query ran are in the log too: checking them as well keeps this safe.
      const later = log.filter((commit) => commit.ts > ts);
      if (later.some((commit) => readSetOverlaps(tracked.readSet, commit.writes))) throw outOfRetention();
      return tracked.value;
    },
  };
}

/** The backend's answer to a read at a timestamp it no longer has (`ErrorMetadata::out_of_retention`). */
function outOfRetention(): CodedError {
  return new CodedError("InternalServerError", "Your request couldn't be completed. Try again later.", 503);
}

/**
 * A ts as the backend serializes it: base64 of the u64's 8 little-endian bytes.
 *
 * @example
 * encodeTs(1n); // "AQAAAAAAAAA="
 */
export function encodeTs(ts: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(ts);
  return bytes.toString("base64");
}

/**
 * Parses {@link encodeTs}'s output; a malformed one is 400 `InvalidTimestamp`.
 *
 * @example
 * decodeTs("AQAAAAAAAAA="); // 1n
 */
export function decodeTs(encoded: unknown): bigint {
  const bytes = typeof encoded === "string" ? Buffer.from(encoded, "base64") : Buffer.alloc(0);
  if (bytes.length !== 8)
    throw new CodedError("InvalidTimestamp", "`ts` must be the encoded timestamp /api/query_ts answered.");
  return bytes.readBigUInt64LE();
}
