import { describe, expect, it, vi } from "vitest";
import { createTokenManager } from "./token-manager.js";
import type { TokenFetchOutcome, TokenManagerOptions } from "./token-manager-types.js";

let serial = 0;

/** An unsigned JWT-shaped token: the manager only reads `exp`. */
function jwt(expiresInSeconds = 900, label = `t${++serial}`): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const exp = Math.floor(Date.now() / 1000) + expiresInSeconds;
  return `${encode({ alg: "RS256" })}.${encode({ sub: label, exp, iat: exp - 900 })}.sig`;
}

const NETWORK: TokenFetchOutcome = { kind: "transient", error: new TypeError("fetch failed") };
const SERVER_ERROR: TokenFetchOutcome = { kind: "transient", status: 500 };
const SIGNED_OUT: TokenFetchOutcome = { kind: "signed-out", status: 401 };
const token = (value: string): TokenFetchOutcome => ({ kind: "token", token: value });

/** A manager whose fetches answer from `script` in order, and whose sleeps are instant and recorded. */
function setup(script: TokenFetchOutcome[], options: Partial<TokenManagerOptions> = {}) {
  const delays: number[] = [];
  const fetchToken = vi.fn(async () => {
    const next = script.shift();
    if (!next) throw new Error("unexpected fetch");
    return next;
  });
  const manager = createTokenManager({
    fetchToken,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...options,
  });
  return { manager, fetchToken, delays };
}

describe("createTokenManager: initial token", () => {
  it("hands out initialToken for the first request without a network call", async () => {
    const initial = jwt();
    const { manager, fetchToken } = setup([], { initialToken: initial });
    expect(manager.getSnapshot().status).toBe("authenticated");
    expect(await manager.fetchAccessToken({ forceRefreshToken: false })).toBe(initial);
    expect(fetchToken).not.toHaveBeenCalled();
  });

  it("replaces it on a forced refresh, and a remounted provider does not bring the stale one back", async () => {
    const initial = jwt();
    const fresh = jwt();
    const first = setup([token(fresh)], { initialToken: initial });
    expect(await first.manager.fetchAccessToken({ forceRefreshToken: true })).toBe(fresh);
    expect(await first.manager.fetchAccessToken({ forceRefreshToken: false })).toBe(fresh);

    const next = jwt();
    const remounted = setup([token(next)], { initialToken: initial });
    expect(remounted.manager.getSnapshot().status).toBe("loading");
    expect(await remounted.manager.fetchAccessToken({ forceRefreshToken: false })).toBe(next);
  });

  it("does not hand out an expired initialToken", async () => {
    const fresh = jwt();
    const { manager, fetchToken } = setup([token(fresh)], { initialToken: jwt(-10) });
    expect(await manager.fetchAccessToken({ forceRefreshToken: false })).toBe(fresh);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });
});

describe("createTokenManager: transient failures never sign out", () => {
  it.each([
    ["a network error", NETWORK],
    ["a 500", SERVER_ERROR],
    ["a 429", { kind: "transient", status: 429 } as TokenFetchOutcome],
    ["a thrown fetch", undefined],
  ])("keeps the last good token through %s and retries with backoff", async (_name, failure) => {
    const good = jwt();
    const fetchToken = vi.fn(async (): Promise<TokenFetchOutcome> => {
      if (failure === undefined) throw new TypeError("Failed to fetch");
      return failure;
    });
    const delays: number[] = [];
    const manager = createTokenManager({
      fetchToken,
      initialToken: good,
      random: () => 0.5,
      sleep: async (ms) => void delays.push(ms),
    });
    expect(await manager.fetchAccessToken({ forceRefreshToken: true })).toBe(good);
    expect(fetchToken).toHaveBeenCalledTimes(4);
    expect(manager.getSnapshot().status).toBe("authenticated");
    // Exponential (500, 1000, 2000) with equal jitter at random() = 0.5.
    expect(delays).toEqual([375, 750, 1500]);
  });

  it("keeps retrying, with the delay capped, until the server answers when no usable token is held", async () => {
    const fresh = jwt();
    const { manager, fetchToken, delays } = setup([...Array<TokenFetchOutcome>(9).fill(NETWORK), token(fresh)], {
      initialToken: jwt(-5),
      retry: { maxDelayMs: 4000 },
    });
    expect(await manager.fetchAccessToken({ forceRefreshToken: true })).toBe(fresh);
    expect(fetchToken).toHaveBeenCalledTimes(10);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4000);
    expect(delays.slice(0, 4)).toEqual([375, 750, 1500, 3000]);
    expect(manager.getSnapshot().status).toBe("authenticated");
  });

  it("jitters each delay between half and all of the exponential step", async () => {
    const randoms = [0, 0.999];
    const { manager, delays } = setup([NETWORK, NETWORK, token(jwt())], { random: () => randoms.shift() ?? 0.5 });
    await manager.fetchAccessToken({ forceRefreshToken: true });
    expect(delays[0]).toBe(250);
    expect(delays[1]).toBeGreaterThan(999);
    expect(delays[1]).toBeLessThanOrEqual(1000);
  });

  it("waits at least Retry-After on a 429, within the cap", async () => {
    const { manager, delays } = setup(
      [
        { kind: "transient", status: 429, retryAfterMs: 7000 },
        { kind: "transient", status: 429, retryAfterMs: 999_000 },
        token(jwt()),
      ],
      { retry: { maxDelayMs: 20_000 } },
    );
    await manager.fetchAccessToken({ forceRefreshToken: true });
    expect(delays).toEqual([7000, 20_000]);
  });

  it("reports each transient failure", async () => {
    const onTransientError = vi.fn();
    const { manager } = setup([SERVER_ERROR, token(jwt())], { onTransientError });
    await manager.fetchAccessToken({ forceRefreshToken: true });
    expect(onTransientError).toHaveBeenCalledWith(SERVER_ERROR, 1);
  });
});

describe("createTokenManager: signing out", () => {
  it("signs out when /convex/token answers 401", async () => {
    const { manager, fetchToken } = setup([SIGNED_OUT], { initialToken: jwt() });
    const listener = vi.fn();
    manager.subscribe(listener);
    expect(await manager.fetchAccessToken({ forceRefreshToken: true })).toBeNull();
    expect(manager.getSnapshot()).toEqual({ status: "unauthenticated", generation: 1 });
    expect(listener).toHaveBeenCalled();
    expect(await manager.fetchAccessToken({ forceRefreshToken: false })).toBeNull();
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it("signs out when the session store reports no session, and not on a session error", async () => {
    const { manager } = setup([], { initialToken: jwt() });
    manager.observeSession({ kind: "session", sessionId: "s1" });
    manager.observeSession({ kind: "error", status: 503 });
    expect(manager.getSnapshot().status).toBe("authenticated");
    manager.observeSession({ kind: "no-session" });
    expect(manager.getSnapshot().status).toBe("unauthenticated");
    expect(await manager.fetchAccessToken({ forceRefreshToken: false })).toBeNull();
  });

  it("abandons a retry loop when the user signs out meanwhile", async () => {
    const manager = createTokenManager({
      fetchToken: async () => NETWORK,
      // Sleeps until woken: only the sign-out can end the loop.
      sleep: (_ms, signal) => new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve())),
    });
    manager.observeSession({ kind: "session", sessionId: "s1" });
    const pending = manager.fetchAccessToken({ forceRefreshToken: true });
    await new Promise((resolve) => setTimeout(resolve, 0));
    manager.observeSession({ kind: "no-session" });
    expect(await pending).toBeNull();
  });

  it("does not revive the session /convex/token refused, but revives on a new sign-in", async () => {
    const next = jwt();
    const { manager } = setup([SIGNED_OUT, token(next)]);
    manager.observeSession({ kind: "session", sessionId: "s1" });
    expect(await manager.fetchAccessToken({ forceRefreshToken: false })).toBeNull();
    // The session store's cookie cache still shows s1.
    manager.observeSession({ kind: "session", sessionId: "s1" });
    expect(manager.getSnapshot().status).toBe("unauthenticated");
    manager.observeSession({ kind: "session", sessionId: "s2" });
    expect(manager.getSnapshot()).toEqual({ status: "authenticated", generation: 2 });
    expect(await manager.fetchAccessToken({ forceRefreshToken: false })).toBe(next);
  });
});

describe("createTokenManager: sessions and concurrency", () => {
  it("shares one request between concurrent callers", async () => {
    const fresh = jwt();
    let resolveFetch: (outcome: TokenFetchOutcome) => void = () => {};
    const fetchToken = vi.fn(() => new Promise<TokenFetchOutcome>((resolve) => (resolveFetch = resolve)));
    const manager = createTokenManager({ fetchToken });
    const calls = [
      manager.fetchAccessToken({ forceRefreshToken: false }),
      manager.fetchAccessToken({ forceRefreshToken: true }),
      manager.fetchAccessToken({ forceRefreshToken: true }),
    ];
    resolveFetch(token(fresh));
    expect(await Promise.all(calls)).toEqual([fresh, fresh, fresh]);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it("becomes authenticated on a session and drops the previous user's token on a session switch", async () => {
    const first = jwt();
    const second = jwt();
    const { manager } = setup([token(first), token(second)]);
    expect(manager.getSnapshot().status).toBe("loading");
    manager.observeSession({ kind: "pending" });
    expect(manager.getSnapshot().status).toBe("loading");
    manager.observeSession({ kind: "session", sessionId: "s1" });
    expect(manager.getSnapshot()).toEqual({ status: "authenticated", generation: 0 });
    expect(await manager.fetchAccessToken({ forceRefreshToken: false })).toBe(first);
    manager.observeSession({ kind: "session", sessionId: "s2" });
    expect(manager.getSnapshot().generation).toBe(1);
    expect(await manager.fetchAccessToken({ forceRefreshToken: false })).toBe(second);
  });

  it("does not answer the new user's request with a request started for the previous one", async () => {
    const resolvers: ((outcome: TokenFetchOutcome) => void)[] = [];
    const manager = createTokenManager({
      fetchToken: () => new Promise<TokenFetchOutcome>((resolve) => resolvers.push(resolve)),
    });
    manager.observeSession({ kind: "session", sessionId: "s1" });
    const old = manager.fetchAccessToken({ forceRefreshToken: true });
    manager.observeSession({ kind: "session", sessionId: "s2" });
    const current = manager.fetchAccessToken({ forceRefreshToken: true });
    expect(resolvers).toHaveLength(2);
    const fresh = jwt();
    resolvers[0]!(token(jwt()));
    resolvers[1]!(token(fresh));
    expect(await old).toBeNull();
    expect(await current).toBe(fresh);
  });

  it("resolves a loading state through /convex/token when get-session fails", async () => {
    const fresh = jwt();
    const { manager, fetchToken } = setup([NETWORK, token(fresh)]);
    manager.observeSession({ kind: "error" });
    await vi.waitFor(() => expect(manager.getSnapshot().status).toBe("authenticated"));
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("resolves a loading state to signed out when /convex/token answers 401 after get-session failed", async () => {
    const { manager } = setup([SIGNED_OUT]);
    manager.observeSession({ kind: "error", status: 502 });
    await vi.waitFor(() => expect(manager.getSnapshot().status).toBe("unauthenticated"));
  });

  it("stops retrying once detached and retries at once on retryNow", async () => {
    const sleeps: AbortSignal[] = [];
    const manager = createTokenManager({
      fetchToken: async () => NETWORK,
      sleep: (_ms, signal) => {
        sleeps.push(signal);
        return new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
      },
    });
    const detach = manager.attach();
    manager.observeSession({ kind: "session", sessionId: "s1" });
    const pending = manager.fetchAccessToken({ forceRefreshToken: true });
    await vi.waitFor(() => expect(sleeps).toHaveLength(1));
    manager.retryNow();
    await vi.waitFor(() => expect(sleeps).toHaveLength(2));
    detach();
    expect(await pending).toBeNull();
    expect(manager.getSnapshot().status).toBe("authenticated");
  });
});

describe("createTokenManager: sign-out in progress", () => {
  it("reports unauthenticated at once, ignores the session still shown, and ends signed out", async () => {
    const initial = jwt();
    const { manager, fetchToken } = setup([], { initialToken: initial });
    manager.observeSession({ kind: "session", sessionId: "s1" });
    const before = manager.getSnapshot().generation;
    void manager.beginSignOut();
    expect(manager.getSnapshot()).toEqual({ status: "unauthenticated", generation: before + 1 });
    expect(await manager.fetchAccessToken({ forceRefreshToken: false })).toBeNull();
    // The store keeps showing the session until the request is over.
    manager.observeSession({ kind: "session", sessionId: "s1" });
    expect(manager.getSnapshot().status).toBe("unauthenticated");
    manager.endSignOut(true);
    manager.observeSession({ kind: "no-session" });
    expect(manager.getSnapshot().status).toBe("unauthenticated");
    expect(fetchToken).not.toHaveBeenCalled();
  });

  it("a failed sign-out restores the session with its token, unless the store said it is gone", async () => {
    const initial = jwt();
    const { manager } = setup([], { initialToken: initial });
    manager.observeSession({ kind: "session", sessionId: "s1" });
    void manager.beginSignOut();
    manager.endSignOut(false);
    expect(manager.getSnapshot().status).toBe("authenticated");
    expect(await manager.fetchAccessToken({ forceRefreshToken: false })).toBe(initial);

    void manager.beginSignOut();
    manager.observeSession({ kind: "no-session" });
    manager.endSignOut(false);
    expect(manager.getSnapshot().status).toBe("unauthenticated");
  });

  it("lets the sign-out go only once a token request on the wire is answered", async () => {
    let answer: (outcome: TokenFetchOutcome) => void = () => {};
    const manager = createTokenManager({
      fetchToken: () => new Promise<TokenFetchOutcome>((resolve) => (answer = resolve)),
      initialToken: jwt(),
    });
    manager.observeSession({ kind: "session", sessionId: "s1" });
    const refreshing = manager.fetchAccessToken({ forceRefreshToken: true });
    let ready = false;
    const begun = manager.beginSignOut().then(() => {
      ready = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ready).toBe(false);
    answer(token(jwt()));
    await begun;
    // Answered for the session being signed out: not handed to Convex.
    expect(await refreshing).toBeNull();
  });

  it("does nothing when nobody is signed in", () => {
    const { manager } = setup([]);
    manager.observeSession({ kind: "no-session" });
    const snapshot = manager.getSnapshot();
    void manager.beginSignOut();
    manager.endSignOut(false);
    expect(manager.getSnapshot()).toBe(snapshot);
  });
});
