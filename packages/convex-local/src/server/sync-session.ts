import type { WebSocket } from "ws";
import type { CommitWrite } from "../engine/read-set.ts";
import type { Caller } from "../engine/types.ts";
import type { SyncHub } from "./sync-hub.ts";
import { authenticateMessage } from "./sync-authenticate.ts";
import { canonicalUdfPath } from "./canonical-udf-path.ts";
import { decodeTs, encodeTs } from "./sync-clock.ts";
import { SyncQuerySet, type SyncQuery } from "./sync-query-set.ts";
import { closeFrameOf } from "./overload-errors.ts";
import { decodeArgs } from "./value-format.ts";

type Version = { querySet: number; identity: number; ts: bigint };

type ClientMessage = { type?: unknown; [key: string]: unknown };

/** Send a protocol Ping after this long without any outgoing message. */
const PING_AFTER_MS = 15_000;
/** WebSocket-level pings keep proxies from idling the connection out and detect dead peers. */
const SOCKET_PING_EVERY_MS = 5_000;
/** Drop a client that sent nothing (pongs included) for this long. */
const DROP_SILENT_AFTER_MS = 120_000;

/**
 * One client socket of the sync protocol (`/api/<version>/sync`): the
 * query-set and identity version state machine, Transitions that form an
 * unbroken version chain, authentication (admin key, user JWT, none), and
 * Mutation/Action requests.
 *
 * Messages are handled in arrival order (an Authenticate finishes before
 * the next message is looked at, so later queries and mutations run under
 * the new identity). Queries re-run only when a commit's write set overlaps
 * their read set (or on identity changes and `invalidate()`), and only
 * changed results are sent. While one of this socket's mutations runs, no
 * Transition is started: the client must see the MutationResponse before a
 * Transition whose ts covers the mutation.
 *
 * @example
 * ```ts
 * wss.on("connection", (socket) => new SyncSession(socket, hub));
 * ```
 */
export class SyncSession {
  private readonly socket: WebSocket;
  private readonly hub: SyncHub;
  private sessionId = "";
  private clockSkew: number | undefined;
  private sent: Version = { querySet: 0, identity: 0, ts: 0n };
  private receivedQuerySet = 0;
  private receivedIdentity = 0;
  private caller: Caller = { kind: "anonymous" };
  /** When the user token of `caller` expires (ms), checked before running anything. */
  private callerExpiresAt: number | null = null;
  private readonly querySet = new SyncQuerySet();
  /** Writes committed while a Transition's queries ran (they may postdate what a query read). */
  private writesDuringRun: CommitWrite[] | null = null;
  private transitionRunning = false;
  private transitionRequested = false;
  /**
   * A replayed MutationResponse went out: the client resolves the mutation
   * only on a Transition that follows it, so the next Transition goes out
   * even when nothing changed (start version = end version).
   */
  private transitionOwed = false;
  private mutationsInFlight = 0;
  private inbound: Promise<void> = Promise.resolve();
  private mutations: Promise<void> = Promise.resolve();
  private lastSentAt = Date.now();
  private lastHeardAt = Date.now();
  private readonly pingTimer: NodeJS.Timeout;
  private closed = false;

  constructor(socket: WebSocket, hub: SyncHub) {
    this.socket = socket;
    this.hub = hub;
    hub.sessions.add(this);
    socket.on("pong", () => (this.lastHeardAt = Date.now()));
    socket.on("message", (data) => {
      this.lastHeardAt = Date.now();
      const text = String(data);
      this.inbound = this.inbound.then(() => this.onMessage(text)).catch((error: unknown) => this.internalError(error));
    });
    socket.on("close", () => this.dispose());
    socket.on("error", () => this.dispose());
    this.pingTimer = setInterval(() => this.heartbeat(), SOCKET_PING_EVERY_MS);
  }

  /** A commit wrote these documents: re-run the queries that read any of them. */
  invalidateWrites(writes: readonly CommitWrite[]): void {
    if (writes.length === 0) return;
    this.writesDuringRun?.push(...writes);
    if (this.querySet.invalidateWrites(writes)) void this.transition();
  }

  /** Anything may have changed (a push, env vars): re-run every query. */
  invalidate(): void {
    if (this.querySet.invalidateAll()) void this.transition();
  }

  private heartbeat(): void {
    if (Date.now() - this.lastHeardAt > DROP_SILENT_AFTER_MS) {
      this.socket.terminate();
      return this.dispose();
    }
    if (Date.now() - this.lastSentAt >= PING_AFTER_MS) this.send({ type: "Ping" });
    try {
      this.socket.ping();
    } catch {
      // Not open (any more): the close handler cleans up.
    }
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
    this.dispose();
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    this.hub.sessions.delete(this);
  }

  private send(message: unknown): void {
    if (this.closed) return;
    this.lastSentAt = Date.now();
    this.socket.send(JSON.stringify(message, (_, v: unknown) => (typeof v === "bigint" ? encodeTs(v) : v)));
  }

  private fatal(error: string): void {
    this.send({ type: "FatalError", error });
    this.close();
  }

  /**
   * Ends the socket for an error no single message can carry, as the
   * backend does: a refusal for load closes with 1013 and its code
   * (`overload-errors.ts`); anything else is a bug of ours, 1011. Either way
   * the client reconnects.
   */
  private internalError(error: unknown): void {
    const frame = closeFrameOf(error);
    if (frame !== null) return this.close(frame.code, frame.reason);
    console.error("convex-local sync session failed", error);
    this.close(1011, "InternalServerError");
  }

  private async onMessage(text: string): Promise<void> {
    if (this.closed) return;
    let message: ClientMessage;
    try {
      message = JSON.parse(text) as ClientMessage;
    } catch {
      return this.fatal("WSMessageInvalidJson: the message is not valid JSON.");
    }
    switch (message.type) {
      case "Connect":
        return this.onConnect(message);
      case "Authenticate":
        return await this.onAuthenticate(message);
      case "ModifyQuerySet":
        return this.onModifyQuerySet(message);
      case "Mutation": {
        // Mutations run one at a time in arrival order, under the identity current at arrival.
        const caller = this.caller;
        this.mutationsInFlight += 1;
        this.mutations = this.mutations
          .then(() => this.onMutation(message, caller))
          .catch((error: unknown) => this.internalError(error));
        return;
      }
      case "Action":
        void this.onAction(message, this.caller).catch((error: unknown) => this.internalError(error));
        return;
      case "Event":
        return;
      default:
        return this.fatal(`Unknown message type ${JSON.stringify(message.type)}.`);
    }
  }

  private onConnect(message: ClientMessage): void {
    this.sessionId = String(message.sessionId ?? "");
    if (typeof message.clientTs === "number") this.clockSkew = message.clientTs - Date.now();
    const observed = decodeTs(message.maxObservedTimestamp);
    const latest = this.hub.clock.current();
    if (observed !== null && observed > latest) {
      // As the backend does: a client ahead of us would get an inconsistent view.
      console.error(
        `Client has observed a timestamp ${observed} ahead of the backend latest known timestamp ${latest}.`,
      );
      this.close(1011, "InternalServerError");
    }
  }

  private async onAuthenticate(message: ClientMessage): Promise<void> {
    if (message.baseVersion !== this.receivedIdentity) {
      return this.fatal(
        `Base identity version ${String(message.baseVersion)} doesn't match the current version ${this.receivedIdentity}`,
      );
    }
    const outcome = await authenticateMessage(message, {
      adminKey: this.hub.adminKey,
      providers: this.hub.authProviders(),
    });
    if (!outcome.ok) return this.authError(outcome.error, true);
    this.caller = outcome.caller;
    this.callerExpiresAt = outcome.expiresAt;
    this.receivedIdentity += 1;
    void this.transition();
  }

  /** AuthError, then a close without a code (the client refetches its token and reconnects). */
  private authError(error: string, authUpdateAttempted: boolean): void {
    this.send({ type: "AuthError", error, baseVersion: this.sent.identity, authUpdateAttempted });
    this.close();
  }

  /** Fails the socket when the user token expired; true when the caller may go on. */
  private checkTokenFresh(): boolean {
    if (this.callerExpiresAt === null || Date.now() < this.callerExpiresAt) return true;
    this.authError("Convex token identity expired", false);
    return false;
  }

  private onModifyQuerySet(message: ClientMessage): void {
    if (message.baseVersion !== this.receivedQuerySet) {
      return this.fatal(
        `BaseVersionMismatch: Base version ${String(message.baseVersion)} passed up doesn't match the current version ${this.receivedQuerySet}`,
      );
    }
    if (typeof message.newVersion !== "number" || message.newVersion <= this.receivedQuerySet) {
      return this.fatal("ModifyQuerySet's newVersion must be greater than its baseVersion.");
    }
    const modifications = Array.isArray(message.modifications) ? (message.modifications as ClientMessage[]) : [];
    const error = this.querySet.modify(modifications);
    if (error !== null) return this.fatal(error);
    this.receivedQuerySet = message.newVersion;
    void this.transition();
  }

  /** Builds and sends Transitions one at a time, each starting where the last ended; a failure ends the socket. */
  private async transition(): Promise<void> {
    try {
      await this.buildTransitions();
    } catch (error) {
      this.internalError(error);
    }
  }

  private async buildTransitions(): Promise<void> {
    if (this.transitionRunning || this.mutationsInFlight > 0 || this.closed) {
      this.transitionRequested = true;
      return;
    }
    this.transitionRunning = true;
    try {
      do {
        this.transitionRequested = false;
        if (!this.checkTokenFresh()) return;
        const end = { querySet: this.receivedQuerySet, identity: this.receivedIdentity, ts: this.hub.clock.current() };
        const identityChanged = end.identity !== this.sent.identity;
        const caller = this.caller;
        const { removed, toRun } = this.querySet.takePending(identityChanged);
        const modifications: unknown[] = removed.map((queryId) => ({ type: "QueryRemoved", queryId }));
        this.writesDuringRun = [];
        for (const queryId of toRun) {
          const query = this.querySet.queries.get(queryId);
          if (!query) continue;
          const modification = await this.runQuery(queryId, query, caller);
          const hash = JSON.stringify(modification);
          if (identityChanged || query.lastHash !== hash) {
            query.lastHash = hash;
            modifications.push(modification);
          }
        }
        if (this.querySet.recheck(toRun, this.writesDuringRun)) this.transitionRequested = true;
        if (modifications.length === 0 && sameVersion(end, this.sent) && !this.transitionOwed) continue;
        this.transitionOwed = false;
        const startVersion = this.sent;
        this.sent = end;
        this.send({
          type: "Transition",
          startVersion,
          endVersion: end,
          modifications,
          ...(this.clockSkew !== undefined ? { clientClockSkew: this.clockSkew, serverTs: Date.now() * 1e6 } : {}),
        });
      } while (this.transitionRequested && !this.closed && this.mutationsInFlight === 0);
    } finally {
      this.transitionRunning = false;
      this.writesDuringRun = null;
    }
  }

  private async runQuery(queryId: number, query: SyncQuery, caller: Caller): Promise<Record<string, unknown>> {
    const failed = (errorMessage: string, logLines: string[] = [], errorData?: unknown) => ({
      type: "QueryFailed",
      queryId,
      errorMessage,
      logLines,
      journal: query.journal,
      ...(errorData !== undefined ? { errorData } : {}),
    });
    try {
      const udfPath = canonicalUdfPath(query.udfPath);
      const args = decodeArgs(query.rawArgs);
      const run = await this.hub.runQuery({
        udfPath,
        args,
        componentPath: query.componentPath,
        caller,
        journal: query.journal,
      });
      query.readSet = run.readSet;
      // A failed run keeps the journal it was given, so the page stays pinned once it recovers.
      if (run.result.status === "error")
        return failed(run.result.errorMessage, run.result.logLines, run.result.errorData);
      query.journal = run.journal;
      return {
        type: "QueryUpdated",
        queryId,
        value: run.result.value,
        logLines: run.result.logLines,
        journal: run.journal,
      };
    } catch (error) {
      // A refusal for load is not this query's failure: the socket closes (see `internalError`).
      if (closeFrameOf(error) !== null) throw error;
      return failed((error as Error)?.message ?? String(error));
    }
  }

  private async onMutation(message: ClientMessage, caller: Caller): Promise<void> {
    const requestId = message.requestId;
    try {
      if (!this.checkTokenFresh()) return;
      const outcome = await this.hub.runMutation(this.sessionId, message, caller);
      if (outcome.status === "success") {
        if (outcome.replayed) this.transitionOwed = true;
        this.send({
          type: "MutationResponse",
          requestId,
          success: true,
          result: outcome.result,
          ts: outcome.ts,
          logLines: outcome.logLines,
        });
      } else {
        this.send({
          type: "MutationResponse",
          requestId,
          success: false,
          result: outcome.errorMessage,
          ts: null,
          logLines: outcome.logLines,
          ...(outcome.errorData !== undefined ? { errorData: outcome.errorData } : {}),
        });
      }
    } finally {
      this.mutationsInFlight -= 1;
    }
    // The Transition that lets the client resolve the mutation (its ts covers the commit).
    void this.transition();
  }

  private async onAction(message: ClientMessage, caller: Caller): Promise<void> {
    if (!this.checkTokenFresh()) return;
    const requestId = message.requestId;
    const result = await this.hub.runFunction("action", message, caller);
    if (result.status === "success") {
      this.send({ type: "ActionResponse", requestId, success: true, result: result.value, logLines: result.logLines });
    } else {
      this.send({
        type: "ActionResponse",
        requestId,
        success: false,
        result: result.errorMessage,
        logLines: result.logLines,
        ...(result.errorData !== undefined ? { errorData: result.errorData } : {}),
      });
    }
    void this.transition();
  }
}

function sameVersion(a: Version, b: Version): boolean {
  return a.querySet === b.querySet && a.identity === b.identity && a.ts === b.ts;
}
