import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { convexToJson, type Value } from "convex/values";
import { WebSocketServer } from "ws";
import type { Caller, Engine } from "../engine/types.ts";
import type { FunctionLogStream } from "./function-log-stream.ts";
import { canonicalUdfPath } from "./canonical-udf-path.ts";
import { SyncClock } from "./sync-clock.ts";
import { SyncSession } from "./sync-session.ts";
import { SystemQueries } from "./system-queries.ts";
import { decodeArgs } from "./value-format.ts";

/** A function result with the value already in Convex JSON, ready for the wire. */
export type EncodedResult =
  | { status: "success"; value: unknown; logLines: string[] }
  | { status: "error"; errorMessage: string; errorData?: unknown; logLines: string[] };

/** The optional commit feed of an engine (not part of the `Engine` contract). */
type CommitSource = { onCommit(listener: () => void): () => void };

const SYNC_PATH = /^\/api(?:\/[^/]+)?\/sync$/;
/** Successful WebSocket mutations remembered for replay after a reconnect. */
const MAX_REMEMBERED_MUTATIONS = 10_000;

/**
 * The sync protocol endpoint (`/api/<clientVersion>/sync` and `/api/sync`):
 * owns the sockets, the timestamp clock, mutation replay deduplication and
 * the routing of queries to system queries or the engine. `notifyCommit()`
 * is the seam for reactivity: every session re-runs its queries after any
 * write it hears about (socket and HTTP mutations, actions, env changes,
 * pushes).
 *
 * @example
 * ```ts
 * const hub = new SyncHub({ engine, systemQueries, adminKey, logs });
 * hub.attach(httpServer);
 * ```
 */
export class SyncHub {
  readonly adminKey: string;
  readonly clock = new SyncClock();
  readonly sessions = new Set<SyncSession>();
  readonly completedMutations = new Map<string, { result: unknown; ts: bigint; logLines: string[] }>();
  private readonly engine: Engine;
  private readonly systemQueries: SystemQueries;
  private readonly logs: FunctionLogStream;
  /** Whether the engine reports its commits itself (else callers notify after writes). */
  readonly engineReportsCommits: boolean;
  private readonly unsubscribe: (() => void) | undefined;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });

  constructor(options: { engine: Engine; systemQueries: SystemQueries; adminKey: string; logs: FunctionLogStream }) {
    this.engine = options.engine;
    this.systemQueries = options.systemQueries;
    this.adminKey = options.adminKey;
    this.logs = options.logs;
    // Engines that report commits (scheduled functions, crons, HTTP actions)
    // keep subscriptions fresh beyond the writes this hub sees itself.
    const onCommit = (this.engine as Partial<CommitSource>).onCommit;
    if (typeof onCommit === "function") this.unsubscribe = onCommit.call(this.engine, () => this.notifyCommit());
    this.engineReportsCommits = this.unsubscribe !== undefined;
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

  /** Something was written: every session re-runs its queries. */
  notifyCommit(): void {
    this.clock.advance();
    for (const session of this.sessions) session.invalidate();
  }

  rememberMutation(key: string, response: { result: unknown; ts: bigint; logLines: string[] }): void {
    this.completedMutations.set(key, response);
    if (this.completedMutations.size > MAX_REMEMBERED_MUTATIONS) {
      const oldest = this.completedMutations.keys().next().value;
      if (oldest !== undefined) this.completedMutations.delete(oldest);
    }
  }

  /** Runs a subscribed query: `_system/*` here (admin only), everything else in the engine. */
  async runQuery(request: { udfPath: string; args: Record<string, unknown>; componentPath: string; caller: Caller }): Promise<EncodedResult> {
    if (SystemQueries.isSystemPath(request.udfPath)) {
      if (request.caller.kind !== "admin") {
        // The CLI recognises this sentence and prints it without a stack trace.
        return {
          status: "error",
          errorMessage: `You do not have permission to perform this operation: ${request.udfPath} needs the deployment's admin key (check CONVEX_SELF_HOSTED_ADMIN_KEY).`,
          logLines: [],
        };
      }
      const result = this.systemQueries.run(request.udfPath, request.args, request.componentPath);
      return result.ok
        ? { status: "success", value: convexToJson(result.value as Value), logLines: [] }
        : { status: "error", errorMessage: result.errorMessage, logLines: [] };
    }
    if (request.componentPath !== "" && request.caller.kind !== "admin") {
      return { status: "error", errorMessage: "Only admin or system users can call functions on non-root components directly", logLines: [] };
    }
    const started = performance.now();
    const result = await this.engine.run({ ...request, expectedType: "query" });
    this.logs.record({
      udfType: "Query",
      identifier: request.udfPath,
      componentPath: request.componentPath || null,
      logLines: result.logLines,
      error: result.status === "error" ? result.errorMessage : null,
      executionTimeMs: performance.now() - started,
    });
    return encode(result);
  }

  /** Runs a socket Mutation or Action message through the engine. */
  async runFunction(type: "mutation" | "action", message: Record<string, unknown>, caller: Caller): Promise<EncodedResult> {
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
      return { status: "error", errorMessage: "Only admin or system users can call functions on non-root components directly", logLines: [] };
    }
    const started = performance.now();
    const result = await this.engine.run({ componentPath, udfPath, args, caller, expectedType: type });
    this.logs.record({
      udfType: type === "mutation" ? "Mutation" : "Action",
      identifier: udfPath,
      componentPath: componentPath || null,
      logLines: result.logLines,
      error: result.status === "error" ? result.errorMessage : null,
      executionTimeMs: performance.now() - started,
    });
    return encode(result);
  }

  /** Closes every socket. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    for (const session of [...this.sessions]) session.close();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
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
