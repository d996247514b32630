/**
 * Exactly-once mutations across reconnects, and sync timestamps that never
 * go backwards, even across a server restart with the wall clock set back.
 */
import { ConvexClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ConvexLocal } from "./start-convex-local.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, pushOnce, startTestServer } from "../test-fixtures/cli-harness.ts";
import { executionCount, openSyncSocket, waitFor, wireTs } from "../test-fixtures/sync-socket.ts";

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;

beforeAll(async () => {
  scratch = await makeScratchDir();
  server = await startTestServer(dataDirIn(scratch.dir));
  await pushOnce(await copyFixtureApp("sync-app", scratch.dir), server);
});

afterAll(async () => {
  vi.useRealTimers();
  await server?.stop();
  await scratch?.cleanup();
});

/** The client's sockets; the first Mutation sent after `armed` is set kills its socket right after it leaves. */
const flaky = { armed: false, opened: 0 };
class FlakyWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    flaky.opened += 1;
  }
  override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    super.send(data);
    if (flaky.armed && typeof data === "string" && (JSON.parse(data) as { type?: string }).type === "Mutation") {
      flaky.armed = false;
      this.close();
    }
  }
}

function encodeTs(ts: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(ts);
  return bytes.toString("base64");
}

describe("sync reconnects", () => {
  it("a mutation whose socket died mid-flight is re-sent on reconnect and runs exactly once", async () => {
    const client = new ConvexClient(server.cloudUrl, {
      webSocketConstructor: FlakyWebSocket,
      unsavedChangesWarning: false,
    });
    try {
      const bodies: string[][] = [];
      client.onUpdate(anyApi.messages.list, {}, (value: string[]) => bodies.push(value));
      await waitFor(() => (bodies.length > 0 ? true : undefined));
      const runsBefore = await executionCount(server, "messages:send");
      const socketsBefore = flaky.opened;

      flaky.armed = true;
      const id = await client.mutation(anyApi.messages.send, { body: "exactly once", rank: 1 });
      expect(typeof id).toBe("string");
      expect(flaky.opened).toBeGreaterThan(socketsBefore);
      await waitFor(() => (bodies.at(-1)?.includes("exactly once") ? true : undefined));
      expect(bodies.at(-1)!.filter((body) => body === "exactly once")).toHaveLength(1);
      expect(await executionCount(server, "messages:send")).toBe(runsBefore + 1);
    } finally {
      await client.close();
    }
  });

  it("a completed mutation re-sent by the same session gets the stored result and commit ts", async () => {
    const runsBefore = await executionCount(server, "messages:send");
    const mutation = {
      type: "Mutation",
      requestId: 7,
      udfPath: "messages:send",
      args: [{ body: "replayed", rank: 2 }],
    };
    const first = await openSyncSocket(server.cloudUrl, "replay-session");
    first.send(mutation);
    const original = await first.next();
    expect(original).toMatchObject({ type: "MutationResponse", requestId: 7, success: true });
    first.close();

    const second = await openSyncSocket(server.cloudUrl, "replay-session", {
      connectionCount: 1,
      lastCloseReason: null,
    });
    second.send(mutation);
    expect(await second.next()).toEqual({ ...original, logLines: original.logLines });
    expect(await executionCount(server, "messages:send")).toBe(runsBefore + 1);

    // Another session with the same request id is a different mutation.
    const other = await openSyncSocket(server.cloudUrl, "other-session");
    other.send(mutation);
    expect((await other.next()).result).not.toEqual(original.result);
    second.close();
    other.close();
  });

  it("a replayed mutation is followed by a Transition even when nothing changed (regression: the client never resolved it)", async () => {
    const mutation = {
      type: "Mutation",
      requestId: 4,
      udfPath: "messages:send",
      args: [{ body: "replayed after a transition", rank: 5 }],
    };
    const first = await openSyncSocket(server.cloudUrl, "owed-transition");
    first.send(mutation);
    const original = await first.next();
    first.close();

    // The re-subscription's Transition already covers the commit; the replay changes nothing.
    const second = await openSyncSocket(server.cloudUrl, "owed-transition", {
      connectionCount: 1,
      lastCloseReason: null,
    });
    second.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [{ type: "Add", queryId: 0, udfPath: "messages:count", args: [{}] }],
    });
    const subscribed = await second.next();
    expect(subscribed).toMatchObject({ type: "Transition" });
    const version = subscribed.endVersion as { ts: string };
    expect(wireTs(version.ts)).toBeGreaterThanOrEqual(wireTs(original.ts));
    second.send(mutation);
    expect(await second.next()).toEqual(original);
    // The client resolves a successful mutation only on a Transition after its response.
    expect(await second.next(2_000)).toMatchObject({
      type: "Transition",
      startVersion: version,
      endVersion: version,
      modifications: [],
    });
    second.close();
  });
});

describe("sync timestamps", () => {
  it("never go backwards across a restart, even with the wall clock set back", async () => {
    const before = await openSyncSocket(server.cloudUrl, "clock");
    before.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [{ type: "Add", queryId: 0, udfPath: "messages:count", args: [{}] }],
    });
    const t1 = wireTs(((await before.next()).endVersion as { ts: string }).ts);
    before.send({
      type: "Mutation",
      requestId: 0,
      udfPath: "messages:send",
      args: [{ body: "before restart", rank: 3 }],
    });
    const response = await before.next();
    const t2 = wireTs(response.ts);
    const covering = await before.next();
    expect(covering).toMatchObject({ type: "Transition", modifications: [{ type: "QueryUpdated", queryId: 0 }] });
    const t3 = wireTs((covering.endVersion as { ts: string }).ts);
    expect(t2).toBeGreaterThan(t1);
    expect(t3).toBeGreaterThanOrEqual(t2);
    // Wall-clock nanoseconds.
    expect(Number(t3 / 1_000_000n)).toBeGreaterThan(Date.now() - 60_000);
    before.close();

    const { dataDir, adminKey } = server;
    await server.stop();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 60 * 60 * 1000);
    server = await startTestServer(dataDir, adminKey);

    // A client that saw t3 is not ahead of the restarted server.
    const after = await openSyncSocket(server.cloudUrl, "clock", {
      connectionCount: 1,
      lastCloseReason: null,
      maxObservedTimestamp: encodeTs(t3),
    });
    after.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [{ type: "Add", queryId: 0, udfPath: "messages:count", args: [{}] }],
    });
    const t4 = wireTs(((await after.next()).endVersion as { ts: string }).ts);
    expect(t4).toBeGreaterThanOrEqual(t3);
    after.send({
      type: "Mutation",
      requestId: 1,
      udfPath: "messages:send",
      args: [{ body: "after restart", rank: 4 }],
    });
    expect(wireTs((await after.next()).ts)).toBeGreaterThan(t3);
    after.close();
    vi.useRealTimers();

    // A client claiming a future timestamp is refused the way the backend refuses it.
    const ahead = await openSyncSocket(server.cloudUrl, "ahead", { maxObservedTimestamp: encodeTs(t3 + 10n ** 15n) });
    expect(await ahead.closed).toBe(1011);
  });
});
