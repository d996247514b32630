/**
 * Durable exactly-once records of sync-socket mutations: which
 * `(sessionId, requestId)` committed, with the MutationResponse it earned
 * (result, commit ts, log lines), as the backend keeps them
 * [be application_function_runner check_mutation_status]. A record is written
 * in the same SQLite transaction as the mutation's documents (the third
 * argument of `EngineStore.writeCommit`), so after a kill -9 either both the
 * writes and the record are on disk or neither is: a client that re-sends the
 * mutation after the restart gets the original response, never a second run.
 *
 * Getting the record into the commit takes two pieces:
 * - the sync layer runs a keyed mutation inside {@link runKeyedMutation}, an
 *   AsyncLocalStorage the commit hook (inside convex-test's commit) can read;
 * - the result exists before convex-test commits, but convex-test hands it to
 *   the caller only after the commit, so {@link captureMutationResults} wraps
 *   the mutation handlers of the modules convex-test loads: the top-level
 *   handler notes its return value on the way out, before the commit.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { DatabaseSync } from "node:sqlite";
import { CommitTsPlaceholder, convexToJson, type Value } from "convex/values";
import type { ModuleMap } from "./convex-test-internals.ts";
import { currentRunContext } from "./run-context.ts";

/**
 * How long a record is kept. A record only has to outlive the gap between a
 * commit and the client's re-send, and a client re-sends every unconfirmed
 * mutation on its first reconnect (ConvexClient retries at most ~16 s apart),
 * so 10 minutes covers a crash and restart with a wide margin. The sync
 * protocol has no "session ended" message (a closed socket is a reconnect
 * waiting to happen, and clients close sockets the same way when they stop
 * for good), so records cannot be dropped when a session ends: expiry is the
 * bound, and the table holds at most the socket mutations of the last 10
 * minutes. A client that re-sends later than that (a server down for longer)
 * runs the mutation again.
 */
export const MUTATION_RECORD_RETENTION_MS = 10 * 60 * 1000;

/** Expired records are deleted at open and, at most this often, inside a commit that adds one. */
const PRUNE_EVERY_MS = 60 * 1000;

/** A socket mutation's identity: the client's session and its per-session request id. */
export type MutationKey = { sessionId: string; requestId: string };

/** What a successful socket mutation answered: `result` is Convex JSON, `ts` the commit ts. */
export type MutationRecord = { result: unknown; ts: bigint; logLines: string[] };

/** The records as the sync layer uses them. */
export type MutationRecords = {
  /** The unexpired record of `key`, or null. */
  lookup(key: MutationKey): MutationRecord | null;
  /** Drops the record of `key` (a mutation that committed but still failed is not remembered). */
  forget(key: MutationKey): void;
};

/** {@link MutationRecords} plus the commit hook's side. */
export type MutationDedupStore = MutationRecords & {
  /**
   * Called in the commit hook for each top-level commit: when the commit is
   * the one of a keyed mutation, the write that records it, to run inside the
   * commit's SQLite transaction; otherwise null.
   */
  recordCommit(ts: bigint): (() => void) | null;
};

/** One {@link runKeyedMutation} call. */
type Marker = {
  key: MutationKey;
  /** False once the call returned: scheduled work inherits the async context and must not record. */
  open: boolean;
  /** Set by the first (top-level) wrapped handler; nested `ctx.runMutation` handlers leave the marker alone. */
  entered: boolean;
  captured: { value: unknown } | null;
  record: MutationRecord | null;
};

const markers = new AsyncLocalStorage<Marker>();

/**
 * Runs `body` (one socket mutation through the engine) so that its commit
 * records `key` durably. `record` is what was written with the commit, or
 * null when nothing was (the mutation failed before committing, or the engine
 * does not keep records).
 *
 * @example
 * const { value, record } = await runKeyedMutation({ sessionId, requestId: "3" }, () => engine.run(request));
 */
export async function runKeyedMutation<T>(
  key: MutationKey,
  body: () => Promise<T>,
): Promise<{ value: T; record: MutationRecord | null }> {
  const marker: Marker = { key, open: true, entered: false, captured: null, record: null };
  try {
    const value = await markers.run(marker, body);
    return { value, record: marker.record };
  } finally {
    marker.open = false;
  }
}

type RegisteredMutation = ((...args: unknown[]) => unknown) & {
  isMutation: true;
  _handler: (ctx: unknown, args: unknown) => unknown;
};

function isRegisteredMutation(value: unknown): value is RegisteredMutation {
  return (
    typeof value === "function" &&
    (value as Partial<RegisteredMutation>).isMutation === true &&
    typeof (value as Partial<RegisteredMutation>)._handler === "function"
  );
}

/** A copy of a registered mutation whose `_handler` (what convex-test runs) notes its result for the open marker. */
function capturingMutation(func: RegisteredMutation): RegisteredMutation {
  const handler = func._handler;
  const capturing = async (ctx: unknown, args: unknown): Promise<unknown> => {
    const marker = markers.getStore();
    if (marker === undefined || !marker.open || marker.entered) return await handler(ctx, args);
    marker.entered = true;
    const value = await handler(ctx, args);
    marker.captured = { value };
    return value;
  };
  return Object.assign((...args: unknown[]) => func(...args), func, { _handler: capturing });
}

const wrappedModules = new WeakMap<object, Record<string, unknown>>();

/**
 * Wraps convex-test's modules map so every registered mutation it loads
 * reports its return value to {@link runKeyedMutation} before the commit.
 * Other exports pass through unchanged; functions run exactly as before.
 *
 * @example
 * const instance = createTestInstance(root.schema, captureMutationResults(root.modules));
 */
export function captureMutationResults(modules: ModuleMap): ModuleMap {
  return Object.fromEntries(
    Object.entries(modules).map(([key, load]) => [
      key,
      async () => {
        const module = await load();
        if (typeof module !== "object" || module === null) return module;
        let wrapped = wrappedModules.get(module);
        if (wrapped === undefined) {
          wrapped = Object.fromEntries(
            Object.entries(module).map(([name, value]) => [
              name,
              isRegisteredMutation(value) ? capturingMutation(value) : value,
            ]),
          );
          wrappedModules.set(module, wrapped);
        }
        return wrapped;
      },
    ]),
  );
}

/** Commit-ts placeholders in a result become the commit ts, as convex-test resolves them after the commit. */
function withCommitTs(value: unknown, ts: bigint): unknown {
  if (value instanceof CommitTsPlaceholder) return ts;
  if (Array.isArray(value)) return value.map((item) => withCommitTs(item, ts));
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withCommitTs(v, ts)]));
  }
  return value;
}

/**
 * Opens the records table on the engine store's connection (creating it if
 * needed) and deletes expired records.
 *
 * @example
 * const records = openMutationDedupStore(store.database);
 * store.writeCommit(commit, fileBytes, records.recordCommit(commit.ts));
 */
export function openMutationDedupStore(
  db: DatabaseSync,
  options: { retentionMs?: number; now?: () => number } = {},
): MutationDedupStore {
  const retentionMs = options.retentionMs ?? MUTATION_RECORD_RETENTION_MS;
  const now = options.now ?? Date.now;
  db.exec(`
    CREATE TABLE IF NOT EXISTS mutation_records (
      session_id TEXT NOT NULL,
      request_id TEXT NOT NULL,
      ts TEXT NOT NULL,
      result TEXT NOT NULL,
      log_lines TEXT NOT NULL,
      created_at REAL NOT NULL,
      PRIMARY KEY (session_id, request_id)
    );
    CREATE INDEX IF NOT EXISTS mutation_records_by_created_at ON mutation_records (created_at);
  `);
  const insert = db.prepare(
    "INSERT OR REPLACE INTO mutation_records (session_id, request_id, ts, result, log_lines, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const select = db.prepare(
    "SELECT ts, result, log_lines FROM mutation_records WHERE session_id = ? AND request_id = ? AND created_at >= ?",
  );
  const remove = db.prepare("DELETE FROM mutation_records WHERE session_id = ? AND request_id = ?");
  const prune = db.prepare("DELETE FROM mutation_records WHERE created_at < ?");
  let prunedAt = now();
  prune.run(prunedAt - retentionMs);

  return {
    recordCommit(ts) {
      const marker = markers.getStore();
      if (marker === undefined || !marker.open || marker.captured === null || marker.record !== null) return null;
      let result: unknown;
      try {
        // What the MutationResponse carries: a function that returns nothing returns null.
        result = convexToJson((withCommitTs(marker.captured.value, ts) ?? null) as Value);
      } catch (error) {
        // convex-test would fail the call on such a value anyway; the sync layer's memory still dedupes.
        console.warn("convex-local could not record a socket mutation's result for exactly-once replay", error);
        return null;
      }
      const record: MutationRecord = { result, ts, logLines: [...(currentRunContext()?.logLines ?? [])] };
      const { sessionId, requestId } = marker.key;
      return () => {
        const at = now();
        insert.run(
          sessionId,
          requestId,
          ts.toString(),
          JSON.stringify(record.result),
          JSON.stringify(record.logLines),
          at,
        );
        if (at - prunedAt >= PRUNE_EVERY_MS) {
          prunedAt = at;
          prune.run(at - retentionMs);
        }
        marker.record = record;
      };
    },
    lookup({ sessionId, requestId }) {
      const row = select.get(sessionId, requestId, now() - retentionMs) as
        { ts: string; result: string; log_lines: string } | undefined;
      if (row === undefined) return null;
      return { result: JSON.parse(row.result), ts: BigInt(row.ts), logLines: JSON.parse(row.log_lines) as string[] };
    },
    forget({ sessionId, requestId }) {
      remove.run(sessionId, requestId);
    },
  };
}
