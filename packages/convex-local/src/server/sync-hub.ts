import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { convexToJson, type Value } from "convex/values";
import { WebSocketServer } from "ws";
import { runKeyedMutation, type MutationKey, type MutationRecords } from "../engine/mutation-dedup-store.ts";
import type { CommitWrite, ReadSet } from "../engine/read-set.ts";
import { emptyReadSet, readSetKey } from "../engine/read-set.ts";
import { trackReads } from "../engine/read-set-tracking.ts";
import type { AuthProviderConfig, Caller, Engine } from "../engine/types.ts";
import type { FunctionLogStream } from "./function-log-stream.ts";
import { canonicalUdfPath } from "./canonical-udf-path.ts";
import { SyncClock } from "./sync-clock.ts";
import { SyncMutationLog, type MutationOutcome } from "./sync-mutation-log.ts";
import { SyncSession } from "./sync-session.ts";
import { SystemQueries } from "./system-queries.ts";
import { decodeArgs } from "./value-format.ts";

/** A function result with the value already in Convex JSON, ready for the wire. */
export type EncodedResult =
  | { status: "success"; value: unknown; logLines: string[] }
  | { status: "error"; errorMessage: string; errorData?: unknown; logLines: string[] };

/** The optional commit feeds of an engine (not part of the `Engine` contract; `PersistentEngine` has them). */
type CommitSources = {
  onCommit(listener: () => void): () => void;
  onCommitWrites(listener: (commit: { ts: bigint; writes: CommitWrite[] }) => void): () => void;
  lastCommitTs(): bigint;
};

/** A query result plus what the sessions need to keep it fresh. */
export type QueryRun = {
  result: EncodedResult;
  /** What the run read; null when unknown (the query then re-runs after every commit). */
  readSet: ReadSet | null;
  /** The pagination journal to send with the result (see `read-set-tracking.ts`). */
  journal: string | null;
};

const SYNC_PATH = /^\/api(?:\/[^/]+)?\/sync$/;
/**
 * Test hook: a socket mutation with this udfPath (`messages:send`) kills the
 * process with SIGKILL right after its commit is durable, before the
 * MutationResponse is sent, so a test can crash between the two on purpose.
 */
const SIGKILL_AFTER_COMMIT_ENV = "CONVEX_LOCAL_TEST_SIGKILL_AFTER_COMMIT";
const UDF_TYPE_LETTER = { Query: "Q", Mutation: "M", Action: "A" } as const;

/**
 * The sync protocol endpoint (`/api/<clientVersion>/sync` and `/api/sync`):
 * owns the sockets, the timestamp clock, exactly-once socket mutations
 * (remembered in memory and, with the default engine, recorded durably with
 * each commit so they survive a restart) and the routing of queries to
 * system queries or the engine. With the default
 * engine, each commit's write set goes to every session, which re-runs only
 * the queries whose read set it touches; `notifyCommit()` re-runs every
 * query (pushes and env var changes, which can change any result).
 *
 * @example
 * ```ts
 * const hub = new SyncHub({ engine, systemQueries, adminKey, logs });
 * hub.attach(httpServer);
 * ```
 */
export class SyncHub {
  readonly adminKey: string;
  readonly clock: SyncClock;
  readonly sessions = new Set<SyncSession>();
  readonly mutationLog = new SyncMutationLog();
  private readonly engine: Engine;
  private readonly systemQueries: SystemQueries;
  private readonly logs: FunctionLogStream;
  /** Where function log lines of socket calls are echoed (the server's console by default). */
  private readonly echo: ((line: string) => void) | null;
  /** Whether the engine reports its commits itself (else callers notify after writes). */
  readonly engineReportsCommits: boolean;
  /** Whether queries get read sets (the engine reports write sets to match them against). */
  private readonly tracksReads: boolean;
  private readonly unsubscribe: (() => void) | undefined;
  /** The engine's durable socket-mutation records, when it keeps them (`PersistentEngine` does). */
  private readonly mutationRecords: MutationRecords | null;
  private readonly sigkillAfterCommit = process.env[SIGKILL_AFTER_COMMIT_ENV] || null;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });

  constructor(options: {
    engine: Engine;
    systemQueries: SystemQueries;
    adminKey: string;
    logs: FunctionLogStream;
    /** Receives `[CONVEX Q(mod:fn)] [LOG] …` lines; null silences them. Default: `console.log`. */
    echoLogLines?: ((line: string) => void) | null;
  }) {
    this.engine = options.engine;
    this.systemQueries = options.systemQueries;
    this.adminKey = options.adminKey;
    this.logs = options.logs;
    this.echo = options.echoLogLines === undefined ? (line) => console.log(line) : options.echoLogLines;
    const sources = this.engine as Partial<CommitSources>;
    this.clock = new SyncClock(
      typeof sources.lastCommitTs === "function" ? () => sources.lastCommitTs!.call(this.engine) : undefined,
    );
    if (typeof sources.onCommitWrites === "function") {
      // Scheduled functions, crons and HTTP actions commit here too, not only socket mutations.
      // Commit listeners run inside the committing mutation's async context
      // (convex-test's transaction stores); re-runs must not start in it.
      const outside = AsyncLocalStorage.snapshot();
      this.unsubscribe = sources.onCommitWrites.call(this.engine, ({ writes }) => {
        outside(() => {
          for (const session of this.sessions) session.invalidateWrites(writes);
        });
      });
      this.tracksReads = true;
    } else if (typeof sources.onCommit === "function") {
      const outside = AsyncLocalStorage.snapshot();
      this.unsubscribe = sources.onCommit.call(this.engine, () => outside(() => this.notifyCommit()));
      this.tracksReads = false;
    } else {
      this.tracksReads = false;
    }
    this.engineReportsCommits = this.unsubscribe !== undefined;
    this.mutationRecords = (this.engine as Partial<{ mutationRecords: MutationRecords }>).mutationRecords ?? null;
  }

  /** Takes over WebSocket upgrades on the sync paths of `server`; other upgrades are refused. */
  attach(server: Server): void {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
      if (!SYNC_PATH.test(pathname)) {
        socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => new SyncSession(ws, this));
    });
  }

  /** Something changed that any query may depend on (a push, env vars, an untracked write): re-run every query. */
  notifyCommit(): void {
    if (!this.clock.followsCommits) this.clock.advance();
    for (const session of this.sessions) session.invalidate();
  }

  /** The auth providers of the deployment being served. */
  authProviders(): AuthProviderConfig[] {
    return this.engine.current()?.authConfig ?? [];
  }

  /** Runs a subscribed query: `_system/*` here (admin only), everything else in the engine. */
  async runQuery(request: {
    udfPath: string;
    args: Record<string, unknown>;
    componentPath: string;
    caller: Caller;
    journal: string | null;
  }): Promise<QueryRun> {
    const { journal, ...call } = request;
    // System results and refusals change only with pushes, env vars or identity, which re-run everything.
    const fixed = (result: EncodedResult): QueryRun => ({ result, readSet: emptyReadSet(), journal: null });
    if (SystemQueries.isSystemPath(call.udfPath)) {
      if (call.caller.kind !== "admin") {
        // The CLI recognises this sentence and prints it without a stack trace.
        return fixed({
          status: "error",
          errorMessage: `You do not have permission to perform this operation: ${call.udfPath} needs the deployment's admin key (check CONVEX_SELF_HOSTED_ADMIN_KEY).`,
          logLines: [],
        });
      }
      const result = this.systemQueries.run(call.udfPath, call.args, call.componentPath);
      const run = fixed(
        result.ok
          ? { status: "success", value: convexToJson(result.value as Value), logLines: [] }
          : { status: "error", errorMessage: result.errorMessage, logLines: [] },
      );
      // Table reads (`data`, `dev`'s retry watch) re-run when their table changes.
      for (const { componentPath, tableName } of (result.ok && result.readTables) || []) {
        run.readSet!.tables.add(readSetKey(componentPath, tableName));
      }
      return run;
    }
    if (call.componentPath !== "" && call.caller.kind !== "admin") {
      return fixed({
        status: "error",
        errorMessage: "Only admin or system users can call functions on non-root components directly",
        logLines: [],
      });
    }
    const started = performance.now();
    const run = () => this.engine.run({ ...call, expectedType: "query" });
    const tracked = this.tracksReads
      ? await trackReads({ componentPath: call.componentPath, journal }, run)
      : { value: await run(), readSet: null, journal: null };
    this.record("Query", call.udfPath, call.componentPath, tracked.value, started);
    return { result: encode(tracked.value), readSet: tracked.readSet, journal: tracked.journal };
  }

  /**
   * Runs a socket Mutation exactly once per `(sessionId, requestId)`: a
   * re-send after a reconnect, or after a restart of the server, gets the
   * first run's result, commit ts and log lines (`replayed` is then true).
   */
  async runMutation(
    sessionId: string,
    message: Record<string, unknown>,
    caller: Caller,
  ): Promise<MutationOutcome & { replayed: boolean }> {
    if (sessionId === "") return { ...(await this.executeMutation(message, caller, null)), replayed: false };
    const key: MutationKey = { sessionId, requestId: String(message.requestId) };
    return await this.mutationLog.run(
      `${sessionId}:${key.requestId}`,
      () => this.executeMutation(message, caller, key),
      () => this.mutationRecords?.lookup(key) ?? null,
    );
  }

  private async executeMutation(
    message: Record<string, unknown>,
    caller: Caller,
    key: MutationKey | null,
  ): Promise<MutationOutcome> {
    const run = () => this.runFunction("mutation", message, caller);
    const { value: result, record } =
      key === null || this.mutationRecords === null
        ? { value: await run(), record: null }
        : await runKeyedMutation(key, run);
    if (result.status === "error") {
      // Failures are not remembered, also when convex-test committed before failing (its return validator runs after the commit).
      if (record !== null && key !== null) this.forgetRecord(key);
      return result;
    }
    // The recorded commit ts, so a replay answers the same; else the engine's latest commit ts (at least this
    // mutation's) when it reports one, else a fresh tick.
    const ts = record?.ts ?? (this.clock.followsCommits ? this.clock.current() : this.clock.advance());
    if (this.sigkillAfterCommit !== null && message.udfPath === this.sigkillAfterCommit) {
      process.kill(process.pid, "SIGKILL");
      return await new Promise<never>(() => {});
    }
    return { status: "success", result: result.value, ts, logLines: result.logLines };
  }

  private forgetRecord(key: MutationKey): void {
    try {
      this.mutationRecords?.forget(key);
    } catch (error) {
      console.error("convex-local could not drop the record of a failed socket mutation", error);
    }
  }

  /** Runs a socket Mutation or Action message through the engine. */
  async runFunction(
    type: "mutation" | "action",
    message: Record<string, unknown>,
    caller: Caller,
  ): Promise<EncodedResult> {
    const componentPath = typeof message.componentPath === "string" ? message.componentPath : "";
    let udfPath: string;
    let args: Record<string, unknown>;
    try {
      udfPath = canonicalUdfPath(message.udfPath);
      args = decodeArgs(message.args);
    } catch (error) {
      return { status: "error", errorMessage: (error as Error).message, logLines: [] };
    }
    if (componentPath !== "" && caller.kind !== "admin") {
      return {
        status: "error",
        errorMessage: "Only admin or system users can call functions on non-root components directly",
        logLines: [],
      };
    }
    const started = performance.now();
    const result = await this.engine.run({ componentPath, udfPath, args, caller, expectedType: type });
    this.record(type === "mutation" ? "Mutation" : "Action", udfPath, componentPath, result, started);
    if (!this.engineReportsCommits && (type === "mutation" || type === "action")) this.notifyCommit();
    return encode(result);
  }

  /** Closes every socket. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    for (const session of [...this.sessions]) session.close();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private record(
    udfType: "Query" | "Mutation" | "Action",
    udfPath: string,
    componentPath: string,
    result: Awaited<ReturnType<Engine["run"]>>,
    started: number,
  ): void {
    this.logs.record({
      udfType,
      identifier: udfPath,
      componentPath: componentPath || null,
      logLines: result.logLines,
      error: result.status === "error" ? result.errorMessage : null,
      executionTimeMs: performance.now() - started,
    });
    if (this.echo !== null) {
      const prefix = `[CONVEX ${UDF_TYPE_LETTER[udfType]}(${componentPath ? `${componentPath}/` : ""}${udfPath})]`;
      for (const line of result.logLines) this.echo(`${prefix} ${line}`);
    }
  }
}

function encode(result: Awaited<ReturnType<Engine["run"]>>): EncodedResult {
  if (result.status === "success") {
    // A function that returns nothing returns null on the wire.
    return { status: "success", value: convexToJson((result.value ?? null) as Value), logLines: result.logLines };
  }
  return {
    status: "error",
    errorMessage: result.errorMessage,
    ...(result.errorData !== undefined ? { errorData: convexToJson(result.errorData as Value) } : {}),
    logLines: result.logLines,
  };
}
