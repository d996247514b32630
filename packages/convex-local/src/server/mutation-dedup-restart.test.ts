/**
 * Regression: the sync socket deduped re-sent mutations (same session id and
 * request id) in memory only, so a mutation that committed right before a
 * kill -9 ran a second time when its client re-sent it to the restarted server.
 * Each socket mutation is now recorded durably in its commit's SQLite
 * transaction (`engine/mutation-dedup-store.ts`).
 */
import type { ChildProcess } from "node:child_process";
import { connect, createServer, type Socket } from "node:net";
import path from "node:path";
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFixtureApp, makeScratchDir, pushOnce } from "../test-fixtures/cli-harness.ts";
import {
  buildConvexLocal,
  startConvexLocalProcess,
  type ConvexLocalProcess,
} from "../test-fixtures/convex-local-process.ts";
import { executionCount, openSyncSocket, waitFor } from "../test-fixtures/sync-socket.ts";

let scratch: { dir: string; cleanup(): Promise<void> };
let dataDir: string;
const children: ChildProcess[] = [];

beforeAll(() => buildConvexLocal());

beforeAll(async () => {
  scratch = await makeScratchDir();
  dataDir = path.join(scratch.dir, "data");
  // Each test starts convex-local on this data dir, which already has the app.
  const server = await startConvexLocalProcess(dataDir, children);
  await pushOnce(await copyFixtureApp("sync-app", scratch.dir), server);
  await killNine(server);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await scratch?.cleanup();
});

function exitSignal(server: ConvexLocalProcess): Promise<NodeJS.Signals | null> {
  if (server.child.exitCode !== null || server.child.signalCode !== null)
    return Promise.resolve(server.child.signalCode);
  return new Promise((resolve) => server.child.once("exit", (_code, signal) => resolve(signal)));
}

async function killNine(server: ConvexLocalProcess): Promise<void> {
  const exited = exitSignal(server);
  server.child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
}

/**
 * A TCP relay in front of convex-local, so a client keeps one URL across a
 * restart (which gets new ports). Connections made while it points nowhere
 * wait for the next server instead of failing: Node's WebSocket reports a
 * failed connection attempt with an error but no close event, which stalls
 * ConvexClient's reconnect until its 60 s inactivity timeout.
 */
async function startRelay(): Promise<{ url: string; pointAt(url: string | null): void; close(): void }> {
  let target: number | null = null;
  const waiting: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    client.on("error", () => client.destroy());
    const forward = () => {
      if (target === null) return void waiting.push(forward);
      const upstream = connect(target, "127.0.0.1");
      track(upstream);
      upstream.on("error", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
      client.on("close", () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    };
    forward();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    pointAt(url) {
      target = url === null ? null : Number(new URL(url).port);
      if (target !== null) for (const resume of waiting.splice(0)) resume();
    },
    close() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

async function bodies(server: ConvexLocalProcess): Promise<string[]> {
  return (await new ConvexHttpClient(server.cloudUrl, { logger: false }).query(anyApi.messages.list, {})) as string[];
}

describe("mutation dedup across kill -9 (regression: a re-sent mutation ran twice after a restart)", () => {
  it("a request id re-sent after kill -9 gets the original MutationResponse, and the document exists once", async () => {
    const first = await startConvexLocalProcess(dataDir, children);
    const mutation = {
      type: "Mutation",
      requestId: 3,
      udfPath: "messages:send",
      args: [{ body: "committed before the crash", rank: 1 }],
    };
    const before = await openSyncSocket(first.cloudUrl, "restart-session");
    before.send(mutation);
    const original = await before.next();
    expect(original).toMatchObject({
      type: "MutationResponse",
      requestId: 3,
      success: true,
      logLines: ["[LOG] 'sending' 'committed before the crash'"],
    });
    // The server is gone before anything confirms the mutation to the client, which re-sends it.
    await killNine(first);

    const second = await startConvexLocalProcess(dataDir, children);
    const after = await openSyncSocket(second.cloudUrl, "restart-session", {
      connectionCount: 1,
      lastCloseReason: null,
    });
    after.send(mutation);
    expect(await after.next()).toEqual(original);
    // The Transition that lets a client resolve the replayed mutation (its ts covers the commit).
    expect(await after.next()).toMatchObject({ type: "Transition" });
    expect(await executionCount(second, "messages:send")).toBe(0);
    expect((await bodies(second)).filter((body) => body === "committed before the crash")).toHaveLength(1);

    // The same request id from another session is another mutation.
    const other = await openSyncSocket(second.cloudUrl, "another-session");
    other.send(mutation);
    expect(await other.next()).toMatchObject({ type: "MutationResponse", success: true });
    expect(await executionCount(second, "messages:send")).toBe(1);
    after.close();
    other.close();
    await killNine(second);
  });

  it("a ConvexClient whose server died between the commit and the MutationResponse gets the original result from the restarted server", async () => {
    // The test hook kills the server right after `messages:send` commits, before it answers.
    const crashing = await startConvexLocalProcess(dataDir, children, {
      env: { CONVEX_LOCAL_TEST_SIGKILL_AFTER_COMMIT: "messages:send" },
    });
    const crashed = exitSignal(crashing);
    const relay = await startRelay();
    relay.pointAt(crashing.cloudUrl);
    const client = new ConvexClient(relay.url, { unsavedChangesWarning: false, logger: false });
    try {
      const updates: string[][] = [];
      client.onUpdate(anyApi.messages.list, {}, (value: string[]) => updates.push(value));
      await waitFor(() => (updates.length > 0 ? true : undefined));
      // The open socket stays connected; the reconnect after the crash waits for the restarted server.
      relay.pointAt(null);
      const sent = client.mutation(anyApi.messages.send, { body: "answered after the restart", rank: 2 });
      expect(await crashed).toBe("SIGKILL");

      const restarted = await startConvexLocalProcess(dataDir, children);
      relay.pointAt(restarted.cloudUrl);
      const id = await sent;
      expect(typeof id).toBe("string");
      expect(await executionCount(restarted, "messages:send")).toBe(0);
      expect((await bodies(restarted)).filter((body) => body === "answered after the restart")).toHaveLength(1);
      await waitFor(() => (updates.at(-1)?.includes("answered after the restart") ? true : undefined));
      await killNine(restarted);
    } finally {
      await client.close();
      relay.close();
    }
  });
});
