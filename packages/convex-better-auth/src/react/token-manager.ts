import { decodeJwt } from "jose";
import { abortableSleep, backoffDelay } from "./retry-backoff.js";
import type {
  TokenFetchOutcome,
  TokenManager,
  TokenManagerOptions,
  TokenManagerSnapshot,
} from "./token-manager-types.js";

// Tokens already replaced by a newer one. A provider that remounts with the
// same server-rendered initialToken must not bring back a token it already
// knows is stale. Bounded: only the recent few matter.
const supersededTokens = new Set<string>();
const SUPERSEDED_LIMIT = 32;

// Back in front with less than this left on the token, the app renews it
// at once: Convex's own refresh timer may not have run in the background.
const RESUME_MIN_REMAINING_MS = 60_000;

function markSuperseded(token: string): void {
  supersededTokens.add(token);
  if (supersededTokens.size > SUPERSEDED_LIMIT) {
    const oldest = supersededTokens.values().next().value;
    if (oldest !== undefined) supersededTokens.delete(oldest);
  }
}

function expiresAtMs(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Create the token state machine for one Convex client.
 *
 * It signs out only when the server says the session is gone:
 * `GET /convex/token` answering 401/403, or the session store reporting no
 * session after a successful `get-session`. Network errors, 5xx and 429
 * never sign out: the request is retried with jittered exponential backoff
 * (honouring `Retry-After`), and the last good token is kept and returned
 * while it is unexpired. Concurrent requests share one network call.
 *
 * @see https://github.com/get-convex/better-auth/issues/408
 *
 * @example
 * ```ts
 * const manager = createTokenManager({ fetchToken: () => fetchConvexTokenWith(authClient), initialToken });
 * const detach = manager.attach();
 * convex.setAuth(manager.fetchAccessToken);
 * ```
 */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  // Read per call, so clocks that tests fake (vi.setSystemTime) apply.
  const now = options.now ?? (() => Date.now());
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;
  const attemptsWithToken = Math.max(1, options.retry?.attemptsWithToken ?? 4);
  const baseDelayMs = Math.max(1, options.retry?.baseDelayMs ?? 500);
  const maxDelayMs = Math.max(baseDelayMs, options.retry?.maxDelayMs ?? 30_000);

  const initial = options.initialToken || null;
  const initialUsable = initial !== null && !supersededTokens.has(initial);
  let token: string | null = initialUsable ? initial : null;
  let snapshot: TokenManagerSnapshot = { status: initialUsable ? "authenticated" : "loading", generation: 0 };
  let sessionId: string | null = null;
  // The session /convex/token refused: the session store may keep showing it
  // (its cookie cache) and must not revive it.
  let refusedSessionId: string | null = null;
  // Set between beginSignOut and endSignOut. The session store still shows
  // the session until the request is over; `ended` records that it stopped.
  let signingOut: { ended: boolean } | null = null;
  let inFlight: { generation: number; promise: Promise<string | null> } | null = null;
  // The token Convex last got from fetchAccessToken, and the one resume()
  // fetched: Convex does not know about the latter until it asks.
  let handedOut: string | null = null;
  let renewedOnResume: string | null = null;
  let wake = new AbortController();
  // Usable without attach() (tests, non-React callers); attach/detach only
  // stop retry loops once every user has gone away.
  let active = true;
  let attached = 0;
  const listeners = new Set<() => void>();

  const update = (next: Partial<TokenManagerSnapshot>) => {
    const merged = { ...snapshot, ...next };
    if (merged.status === snapshot.status && merged.generation === snapshot.generation) return;
    snapshot = merged;
    for (const listener of listeners) listener();
  };

  const hasUsableToken = (minRemainingMs = 0): boolean => {
    if (token === null) return false;
    const exp = expiresAtMs(token);
    // A token we cannot date is the server's business to refuse.
    return exp === undefined || exp - minRemainingMs > now();
  };

  const replaceToken = (next: string | null) => {
    if (token !== null && token !== next) markSuperseded(token);
    token = next;
  };

  // Wakes every pending retry delay; later delays use a fresh signal.
  const interrupt = () => {
    wake.abort();
    wake = new AbortController();
  };

  const signOut = () => {
    replaceToken(null);
    sessionId = null;
    update({ status: "unauthenticated", generation: snapshot.generation + 1 });
    interrupt();
  };

  const safeFetch = async (): Promise<TokenFetchOutcome> => {
    try {
      return await options.fetchToken();
    } catch (error) {
      return { kind: "transient", error };
    }
  };

  const run = async (generation: number): Promise<string | null> => {
    for (let attempt = 1; ; attempt++) {
      const outcome = await safeFetch();
      if (generation !== snapshot.generation) return null;
      if (outcome.kind === "token") {
        replaceToken(outcome.token);
        refusedSessionId = null;
        update({ status: "authenticated" });
        return outcome.token;
      }
      if (outcome.kind === "signed-out") {
        refusedSessionId = sessionId;
        signOut();
        return null;
      }
      options.onTransientError?.(outcome, attempt);
      if (!active || (attempt >= attemptsWithToken && hasUsableToken())) return hasUsableToken() ? token : null;
      await sleep(
        backoffDelay(attempt, { baseDelayMs, maxDelayMs, random, retryAfterMs: outcome.retryAfterMs }),
        wake.signal,
      );
      if (generation !== snapshot.generation) return null;
      if (!active) return hasUsableToken() ? token : null;
    }
  };

  const refresh = (): Promise<string | null> => {
    // Shared only within a generation: a request started for the previous
    // user resolves to null and must not answer for the current one.
    if (inFlight && inFlight.generation === snapshot.generation) return inFlight.promise;
    const generation = snapshot.generation;
    const promise = run(generation).finally(() => {
      if (inFlight?.promise === promise) inFlight = null;
    });
    inFlight = { generation, promise };
    return promise;
  };

  return {
    fetchAccessToken: async ({ forceRefreshToken }) => {
      if (snapshot.status === "unauthenticated") return null;
      // Convex asks again (forced) before expiry; a cached token that is
      // about to lapse is not worth handing out.
      if (!forceRefreshToken && hasUsableToken(5_000)) return (handedOut = token);
      // Convex forces a refresh to replace the token it holds; one renewed
      // since (resume()) does that without another request.
      if (
        forceRefreshToken &&
        token === renewedOnResume &&
        token !== handedOut &&
        hasUsableToken(RESUME_MIN_REMAINING_MS)
      ) {
        return (handedOut = token);
      }
      return (handedOut = await refresh());
    },

    observeSession: (observation) => {
      switch (observation.kind) {
        case "pending":
          return;
        case "no-session":
          refusedSessionId = null;
          if (signingOut) signingOut.ended = true;
          if (snapshot.status !== "unauthenticated" || token !== null) signOut();
          return;
        case "session": {
          if (observation.sessionId === refusedSessionId) return;
          if (signingOut) {
            // Remembered for endSignOut(false); not acted on mid-sign-out.
            if (sessionId !== null && sessionId !== observation.sessionId) replaceToken(null);
            sessionId = observation.sessionId;
            return;
          }
          const switched = sessionId !== null && sessionId !== observation.sessionId;
          sessionId = observation.sessionId;
          if (switched || snapshot.status === "unauthenticated") {
            // A token minted for another session must not be sent for this one.
            replaceToken(null);
            update({ status: "authenticated", generation: snapshot.generation + 1 });
            interrupt();
            return;
          }
          update({ status: "authenticated" });
          return;
        }
        case "error":
          // The session store could not tell; let /convex/token decide
          // instead of waiting for the next focus or poll.
          if (snapshot.status === "loading" && token === null) void refresh();
          return;
      }
    },

    getSnapshot: () => snapshot,

    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    retryNow: interrupt,

    resume: () => {
      interrupt();
      if (snapshot.status !== "authenticated" || hasUsableToken(RESUME_MIN_REMAINING_MS)) return;
      void refresh().then((renewed) => {
        renewedOnResume = renewed;
      });
    },

    beginSignOut: async () => {
      if (snapshot.status !== "authenticated" || signingOut) return;
      signingOut = { ended: false };
      const pending = inFlight?.promise;
      // A new generation: in-flight token requests answer null, and Convex
      // gets a new fetchAccessToken once the session is back (endSignOut).
      update({ status: "unauthenticated", generation: snapshot.generation + 1 });
      interrupt();
      // Its retry delay was just cut short; only a request on the wire is waited for.
      await pending?.catch(() => null);
    },

    endSignOut: (signedOut) => {
      const ended = signingOut;
      if (!ended) return;
      signingOut = null;
      if (signedOut) {
        replaceToken(null);
        sessionId = null;
        return;
      }
      // The request failed and the session is still live: carry on with it,
      // unless the session store said meanwhile that it is gone.
      if (!ended.ended && snapshot.status === "unauthenticated") {
        update({ status: "authenticated", generation: snapshot.generation + 1 });
      }
    },

    attach: () => {
      attached++;
      active = true;
      let detached = false;
      return () => {
        if (detached) return;
        detached = true;
        attached--;
        if (attached === 0) {
          active = false;
          interrupt();
        }
      };
    },
  };
}
