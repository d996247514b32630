import type { WebSocket } from "ws";
import type { Caller } from "../engine/types.ts";
import type { SyncHub } from "./sync-hub.ts";
import { keysEqual } from "./admin-auth.ts";
import { canonicalUdfPath } from "./canonical-udf-path.ts";
import { encodeTs } from "./sync-clock.ts";
import { decodeArgs } from "./value-format.ts";

type Query = {
  udfPath: string;
  rawArgs: unknown;
  componentPath: string;
  /** Hash of the last result sent (value or error, plus log lines); undefined before the first. */
  lastHash?: string;
};

type Version = { querySet: number; identity: number; ts: bigint };

type ClientMessage = { type?: unknown; [key: string]: unknown };

/** Send a protocol Ping after this long without any outgoing message. */
const PING_AFTER_MS = 15_000;

/**
 * One client socket of the sync protocol (`/api/<version>/sync`): the
 * query-set and identity version state machine, Transitions that form an
 * unbroken version chain, admin/anonymous authentication, and
 * Mutation/Action requests. Queries re-run whenever the hub reports a commit
 * (no read-set tracking yet) and only changed results are sent.
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
  private readonly queries = new Map<number, Query>();
  private added = new Set<number>();
  private removed = new Set<number>();
  private dirty = false;
  private transitionRunning = false;
  private transitionRequested = false;
  private mutations: Promise<void> = Promise.resolve();
  private lastSentAt = Date.now();
  private readonly pingTimer: NodeJS.Timeout;
  private closed = false;

  constructor(socket: WebSocket, hub: SyncHub) {
    this.socket = socket;
    this.hub = hub;
    hub.sessions.add(this);
    socket.on("message", (data) => void this.onMessage(String(data)));
    socket.on("close", () => this.dispose());
    socket.on("error", () => this.dispose());
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastSentAt >= PING_AFTER_MS) this.send({ type: "Ping" });
    }, PING_AFTER_MS / 3);
  }

  /** A commit happened somewhere: re-run this socket's queries. */
  invalidate(): void {
    if (this.queries.size === 0) return;
    this.dirty = true;
    void this.transition();
  }

  close(): void {
    this.socket.close();
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

  private async onMessage(text: string): Promise<void> {
    let message: ClientMessage;
    try {
      message = JSON.parse(text) as ClientMessage;
    } catch {
      return this.fatal("WSMessageInvalidJson: the message is not valid JSON.");
    }
    switch (message.type) {
      case "Connect":
        this.sessionId = String(message.sessionId ?? "");
        if (typeof message.clientTs === "number") this.clockSkew = message.clientTs - Date.now();
        return;
      case "Authenticate":
        return this.onAuthenticate(message);
      case "ModifyQuerySet":
        return this.onModifyQuerySet(message);
      case "Mutation":
        this.mutations = this.mutations.then(() => this.onMutation(message));
        return;
      case "Action":
        return this.onAction(message);
      case "Event":
        return;
      default:
        return this.fatal(`Unknown message type ${JSON.stringify(message.type)}.`);
    }
  }

  private onAuthenticate(message: ClientMessage): void {
    if (message.baseVersion !== this.receivedIdentity) {
      return this.fatal(`Base identity version ${String(message.baseVersion)} doesn't match the current version ${this.receivedIdentity}`);
    }
    const fail = (error: string) => {
      this.send({ type: "AuthError", error, baseVersion: this.sent.identity, authUpdateAttempted: true });
      this.close();
    };
    if (message.tokenType === "Admin") {
      if (typeof message.value !== "string" || !keysEqual(message.value, this.hub.adminKey)) {
        return fail("The provided admin key was invalid for this instance.");
      }
      const actingAs = (message.impersonating ?? message.actingAs) as Record<string, unknown> | undefined;
      this.caller = actingAs ? { kind: "admin", actingAs } : { kind: "admin" };
    } else if (message.tokenType === "None") {
      this.caller = { kind: "anonymous" };
    } else {
      // The engine contract has no way to verify user JWTs yet.
      return fail("convex-local cannot verify user tokens yet.");
    }
    this.receivedIdentity += 1;
    void this.transition();
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
    for (const modification of modifications) {
      const queryId = modification.queryId as number;
      if (modification.type === "Add") {
        if (this.queries.has(queryId)) return this.fatal(`Query ${queryId} was added twice.`);
        this.queries.set(queryId, {
          udfPath: String(modification.udfPath),
          rawArgs: modification.args,
          componentPath: typeof modification.componentPath === "string" ? modification.componentPath : "",
        });
        this.added.add(queryId);
      } else if (modification.type === "Remove") {
        if (!this.queries.delete(queryId)) return this.fatal(`Query ${queryId} was removed but never added.`);
        if (!this.added.delete(queryId)) this.removed.add(queryId);
      }
    }
    this.receivedQuerySet = message.newVersion;
    void this.transition();
  }

  /** Builds and sends Transitions one at a time, each starting where the last ended. */
  private async transition(): Promise<void> {
    if (this.transitionRunning) {
      this.transitionRequested = true;
      return;
    }
    this.transitionRunning = true;
    try {
      do {
        this.transitionRequested = false;
        const end = { querySet: this.receivedQuerySet, identity: this.receivedIdentity, ts: this.hub.clock.current() };
        const identityChanged = end.identity !== this.sent.identity;
        const caller = this.caller;
        const modifications: unknown[] = [...this.removed].map((queryId) => ({ type: "QueryRemoved", queryId }));
        const runAll = identityChanged || this.dirty;
        const toRun = runAll ? [...this.queries.keys()] : [...this.added];
        this.removed = new Set();
        this.added = new Set();
        this.dirty = false;
        for (const queryId of toRun) {
          const query = this.queries.get(queryId);
          if (!query) continue;
          const modification = await this.runQuery(queryId, query, caller);
          const hash = JSON.stringify(modification, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
          if (identityChanged || query.lastHash !== hash) {
            query.lastHash = hash;
            modifications.push(modification);
          }
        }
        const startVersion = this.sent;
        this.sent = end;
        this.send({
          type: "Transition",
          startVersion,
          endVersion: end,
          modifications,
          ...(this.clockSkew !== undefined ? { clientClockSkew: this.clockSkew, serverTs: Date.now() * 1e6 } : {}),
        });
      } while (this.transitionRequested && !this.closed);
    } finally {
      this.transitionRunning = false;
    }
  }

  private async runQuery(queryId: number, query: Query, caller: Caller): Promise<Record<string, unknown>> {
    const failed = (errorMessage: string, logLines: string[] = [], errorData?: unknown) => ({
      type: "QueryFailed",
      queryId,
      errorMessage,
      logLines,
      journal: null,
      ...(errorData !== undefined ? { errorData } : {}),
    });
    try {
      const udfPath = canonicalUdfPath(query.udfPath);
      const args = decodeArgs(query.rawArgs);
      const result = await this.hub.runQuery({ udfPath, args, componentPath: query.componentPath, caller });
      if (result.status === "error") return failed(result.errorMessage, result.logLines, result.errorData);
      return { type: "QueryUpdated", queryId, value: result.value, logLines: result.logLines, journal: null };
    } catch (error) {
      return failed((error as Error)?.message ?? String(error));
    }
  }

  private async onMutation(message: ClientMessage): Promise<void> {
    const requestId = message.requestId;
    const key = `${this.sessionId}:${String(requestId)}`;
    const replay = this.hub.completedMutations.get(key);
    if (replay) {
      this.send({ type: "MutationResponse", requestId, success: true, result: replay.result, ts: replay.ts, logLines: replay.logLines });
      return void this.transition();
    }
    const result = await this.hub.runFunction("mutation", message, this.caller);
    if (result.status === "success") {
      const ts = this.hub.clock.advance();
      this.hub.rememberMutation(key, { result: result.value, ts, logLines: result.logLines });
      this.send({ type: "MutationResponse", requestId, success: true, result: result.value, ts, logLines: result.logLines });
      this.hub.notifyCommit();
    } else {
      this.send({
        type: "MutationResponse",
        requestId,
        success: false,
        result: result.errorMessage,
        ts: null,
        logLines: result.logLines,
        ...(result.errorData !== undefined ? { errorData: result.errorData } : {}),
      });
    }
  }

  private async onAction(message: ClientMessage): Promise<void> {
    const requestId = message.requestId;
    const result = await this.hub.runFunction("action", message, this.caller);
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
    // Actions may have run mutations inside the engine.
    this.hub.notifyCommit();
  }
}
