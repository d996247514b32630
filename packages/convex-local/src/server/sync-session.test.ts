import { ConvexClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { ConvexLocal } from "./start-convex-local.ts";
import {
  copyFixtureApp,
  dataDirIn,
  ensureBetterAuthBuilt,
  makeScratchDir,
  pushOnce,
  startTestServer,
} from "../test-fixtures/cli-harness.ts";

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;

beforeAll(async () => {
  ensureBetterAuthBuilt();
  scratch = await makeScratchDir();
  server = await startTestServer(dataDirIn(scratch.dir));
  await pushOnce(await copyFixtureApp("basic-app", scratch.dir), server);
  await fetch(`${server.cloudUrl}/api/update_environment_variables`, {
    method: "POST",
    headers: { Authorization: `Convex ${server.adminKey}` },
    body: JSON.stringify({
      changes: [
        { name: "B", value: "2" },
        { name: "A", value: "1" },
      ],
    }),
  });
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

type Message = Record<string, unknown> & { type: string };

/** A raw protocol socket that queues what the server sends. */
async function openSocket(): Promise<{
  send(message: unknown): void;
  next(): Promise<Message>;
  closed: Promise<void>;
  close(): void;
}> {
  const socket = new WebSocket(`${server.cloudUrl.replace("http", "ws")}/api/1.49.0/sync`);
  const queue: Message[] = [];
  const waiters: ((message: Message) => void)[] = [];
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as Message;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(
    JSON.stringify({
      type: "Connect",
      sessionId: "s1",
      connectionCount: 0,
      lastCloseReason: "InitialConnect",
      clientTs: Date.now(),
    }),
  );
  return {
    send: (message) => socket.send(JSON.stringify(message)),
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiters.push(resolve))),
    closed,
    close: () => socket.close(),
  };
}

const envQuery = {
  type: "ModifyQuerySet",
  baseVersion: 0,
  newVersion: 1,
  modifications: [{ type: "Add", queryId: 0, udfPath: "_system/cli/queryEnvironmentVariables", args: [{}] }],
};

describe("the sync socket", () => {
  it("answers admin system queries after an identity Transition", async () => {
    const socket = await openSocket();
    socket.send({ type: "Authenticate", tokenType: "Admin", value: server.adminKey, baseVersion: 0 });
    const auth = await socket.next();
    expect(auth).toMatchObject({
      type: "Transition",
      startVersion: { identity: 0 },
      endVersion: { identity: 1 },
      modifications: [],
    });
    socket.send(envQuery);
    const result = await socket.next();
    expect(result).toMatchObject({
      type: "Transition",
      startVersion: { querySet: 0, identity: 1, ts: (auth.endVersion as { ts: string }).ts },
      endVersion: { querySet: 1, identity: 1 },
      modifications: [
        {
          type: "QueryUpdated",
          queryId: 0,
          value: [
            { name: "A", value: "1" },
            { name: "B", value: "2" },
          ],
          journal: null,
        },
      ],
    });
    socket.close();
  });

  it("refuses system queries without the admin key, and a wrong key with AuthError", async () => {
    const anonymous = await openSocket();
    anonymous.send(envQuery);
    const failed = await anonymous.next();
    expect(failed).toMatchObject({ type: "Transition", modifications: [{ type: "QueryFailed", queryId: 0 }] });
    expect(JSON.stringify(failed)).toContain("You do not have permission to perform this operation");
    anonymous.close();

    const wrong = await openSocket();
    wrong.send({ type: "Authenticate", tokenType: "Admin", value: "nope", baseVersion: 0 });
    expect(await wrong.next()).toMatchObject({ type: "AuthError", baseVersion: 0, authUpdateAttempted: true });
    await wrong.closed;
  });

  it("serves a real ConvexClient: subscription, mutation, and the update it causes", async () => {
    const client = new ConvexClient(server.cloudUrl, {
      webSocketConstructor: globalThis.WebSocket,
      unsavedChangesWarning: false,
    });
    try {
      const updates: unknown[][] = [];
      const gotTwo = new Promise<void>((resolve) => {
        client.onUpdate(anyApi.messages.list, {}, (value: unknown[]) => {
          updates.push(value);
          if (value.length === 1) resolve();
        });
      });
      await client.mutation(anyApi.messages.send, { body: "live", author: "sync" });
      await gotTwo;
      expect(updates.at(-1)).toEqual([expect.objectContaining({ body: "live", author: "sync" })]);
      expect(await client.query(anyApi.hello.hi, { name: "ws" })).toBe("hi ws");
    } finally {
      await client.close();
    }
  });
});
