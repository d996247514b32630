/**
 * An authenticated query over the sync WebSocket, with the client the
 * guide's React provider wraps: a `ConvexClient` whose `setAuth` fetches
 * the JWT from `/convex/token`. The token is checked once, when the client
 * authenticates; each timed `client.query(api.auth.getCurrentUser, {})` is
 * then one query added to the socket's query set and its first result.
 */
import { ConvexClient } from "convex/browser";
import { anyApi } from "convex/server";
import { checkCurrentUser } from "./check-current-user.ts";
import type { DeployedApp } from "./deploy-guide-app.ts";
import type { E2eProbe } from "./time-probes.ts";
import { tokenSource } from "./token-probe.ts";

const QUERY = "auth:getCurrentUser";
const AUTH_TIMEOUT_MS = 30_000;
const SETTLE_TIMEOUT_MS = 10_000;

/** Counts the queries the client really sends: a `client.query` answered from its local cache sends none. */
function countingWebSocket(counter: { adds: number }): typeof WebSocket {
  return class CountingWebSocket extends WebSocket {
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === "string") {
        const message = JSON.parse(data) as { type?: string; modifications?: { type: string; udfPath?: string }[] };
        if (message.type === "ModifyQuerySet") {
          counter.adds += (message.modifications ?? []).filter((m) => m.type === "Add" && m.udfPath === QUERY).length;
        }
      }
      super.send(data);
    }
  };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function waitUntil(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`${what} did not happen in ${timeoutMs / 1000} s`);
    await nextTurn();
  }
}

/**
 * `setAuth` with a token fetcher like the guide's provider, returning once
 * the client is in its steady state. The Convex client reports success as
 * soon as the server accepts the first token, then refetches a fresh one in
 * the background (`forceRefreshToken`) and re-authenticates with it; that
 * second `/convex/token` would otherwise overlap the timed calls and the
 * next probe's requests, and each timed call should run alone.
 */
async function authenticate(client: ConvexClient, app: DeployedApp): Promise<void> {
  const tokens = tokenSource(app);
  const fetches = { forced: 0, forcedSettled: 0, error: undefined as unknown };
  // The Convex client expects null, not a throw, when no token can be had.
  const fetchToken = async ({ forceRefreshToken }: { forceRefreshToken: boolean }) => {
    if (forceRefreshToken) fetches.forced += 1;
    try {
      return await tokens.fetchToken();
    } catch (error) {
      fetches.error ??= error;
      return null;
    } finally {
      if (forceRefreshToken) fetches.forcedSettled += 1;
    }
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the sync socket was not authenticated in ${AUTH_TIMEOUT_MS / 1000} s`)),
      AUTH_TIMEOUT_MS,
    );
    client.setAuth(fetchToken, (isAuthenticated) => {
      clearTimeout(timer);
      if (isAuthenticated) resolve();
      else
        reject(
          new Error(
            `the sync socket was not authenticated: ${fetches.error instanceof Error ? fetches.error.message : "convex-local rejected the JWT"}`,
          ),
        );
    });
  });
  await waitUntil(
    () => fetches.forced > 0 && fetches.forcedSettled === fetches.forced,
    "the client's token refetch",
    AUTH_TIMEOUT_MS,
  );
  if (fetches.error !== undefined) throw fetches.error;
  // One round trip after the refetch: the server handles the socket's messages
  // in order, so its answer comes after it accepted the fresh token.
  checkCurrentUser(await client.query(anyApi.auth!.getCurrentUser!, {}), app.user);
}

/**
 * Connects and authenticates a `ConvexClient`; resolves once the server
 * has accepted its JWT and the client's own token refetch is over.
 * `close()` must be called when done.
 *
 * @example
 * const probe = await openSyncQueryProbe(app);
 * try { ... } finally { await probe.close(); }
 */
export async function openSyncQueryProbe(app: DeployedApp): Promise<E2eProbe & { close(): Promise<void> }> {
  const counter = { adds: 0 };
  let calls = 0;
  const client = new ConvexClient(app.server.cloudUrl, {
    webSocketConstructor: countingWebSocket(counter),
    unsavedChangesWarning: false,
  });
  try {
    await authenticate(client, app);
  } catch (error) {
    await client.close();
    throw error;
  }

  // Queries sent before the probe's own calls (authentication's round trip).
  const sentBefore = counter.adds;
  return {
    async settle() {
      // `client.query` unsubscribes once answered, but keeps the result until
      // the server confirms the removal; a call before that would be served
      // locally. Wait for it, so every timed call is a round trip.
      await waitUntil(
        () => client.client.localQueryResult(QUERY, {}) === undefined,
        `the server confirming the removal of ${QUERY}`,
        SETTLE_TIMEOUT_MS,
      );
    },
    call() {
      calls += 1;
      return client.query(anyApi.auth!.getCurrentUser!, {});
    },
    check(answer) {
      checkCurrentUser(answer, app.user);
      const sent = counter.adds - sentBefore;
      if (sent !== calls)
        throw new Error(`${calls} queries went over the socket ${sent} times: some were not round trips`);
    },
    close: () => client.close(),
  };
}
