/**
 * Test helpers for the sync protocol: a raw protocol socket (to check exact
 * messages) and polling helpers for the real clients' asynchronous updates.
 */
import WebSocket from "ws";

export type SyncMessage = Record<string, unknown> & { type: string };

export type SyncSocket = {
  send(message: unknown): void;
  /** The next message from the server (in order). */
  next(timeoutMs?: number): Promise<SyncMessage>;
  /** Resolves with the close code when the socket closes. */
  closed: Promise<number>;
  close(): void;
};

/**
 * Opens `/api/1.49.0/sync` on `cloudUrl` and sends `Connect` (plus `connect` extras such as `maxObservedTimestamp`).
 *
 * @example
 * const socket = await openSyncSocket(server.cloudUrl, "session-1");
 * socket.send({ type: "ModifyQuerySet", baseVersion: 0, newVersion: 1, modifications: [] });
 * await socket.next();
 */
export async function openSyncSocket(
  cloudUrl: string,
  sessionId: string,
  connect: Record<string, unknown> = {},
): Promise<SyncSocket> {
  const socket = new WebSocket(`${cloudUrl.replace("http", "ws")}/api/1.49.0/sync`);
  const queue: SyncMessage[] = [];
  const waiters: ((message: SyncMessage) => void)[] = [];
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as SyncMessage;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(
    JSON.stringify({
      type: "Connect",
      sessionId,
      connectionCount: 0,
      lastCloseReason: "InitialConnect",
      clientTs: Date.now(),
      ...connect,
    }),
  );
  return {
    send: (message) => socket.send(JSON.stringify(message)),
    next: (timeoutMs = 10_000) =>
      queue.length > 0
        ? Promise.resolve(queue.shift()!)
        : new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`No sync message within ${timeoutMs} ms`)), timeoutMs);
            waiters.push((message) => {
              clearTimeout(timer);
              resolve(message);
            });
          }),
    closed,
    close: () => socket.close(),
  };
}

/**
 * Decodes a wire timestamp (base64 of 8 little-endian bytes).
 *
 * @example
 * wireTs("6AMAAAAAAAA="); // 1000n
 */
export function wireTs(encoded: unknown): bigint {
  return Buffer.from(String(encoded), "base64").readBigUInt64LE();
}

/**
 * Polls `check` until it returns a value other than undefined.
 *
 * @example
 * const value = await waitFor(() => (updates.length > 1 ? updates[1] : undefined));
 */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * How many times the server ran `identifier` (a Query, Mutation or Action), from its function log stream.
 *
 * @example
 * await executionCount(server, "messages:list"); // 3
 */
export async function executionCount(
  server: { cloudUrl: string; adminKey: string },
  identifier: string,
): Promise<number> {
  const response = await fetch(`${server.cloudUrl}/api/stream_function_logs?cursor=0`, {
    headers: { Authorization: `Convex ${server.adminKey}` },
  });
  const { entries } = (await response.json()) as { entries: { identifier: string }[] };
  return entries.filter((entry) => entry.identifier === identifier).length;
}
