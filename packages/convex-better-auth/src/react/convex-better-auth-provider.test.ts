// @vitest-environment happy-dom
import { act, cleanup, render, renderHook, screen, waitFor } from "@testing-library/react";
import { ConvexReactClient, useConvexAuth } from "convex/react";
import { createElement, useSyncExternalStore } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { BetterAuthSessionState, ConvexBetterAuthClient } from "./better-auth-token-source.js";
import { unusedPort } from "../server-core/test-http-server.js";
import { ConvexBetterAuthProvider } from "./convex-better-auth-provider.js";
import { useAuthFromBetterAuth } from "./use-auth-from-better-auth.js";

type ScriptedToken = string | { status: number } | "network-error";

/** A Better Auth React client whose session store and /convex/token answers the test drives. */
function createFakeAuthClient(initial: BetterAuthSessionState = { data: null, isPending: true, error: null }) {
  let state = initial;
  const listeners = new Set<() => void>();
  const queued: ScriptedToken[] = [];
  const waiting: (() => void)[] = [];
  const token = vi.fn(async () => {
    // With nothing queued the request hangs, like a slow network.
    while (queued.length === 0) await new Promise<void>((resolve) => waiting.push(resolve));
    const answer = queued.shift()!;
    if (answer === "network-error") throw new TypeError("Failed to fetch");
    if (typeof answer === "string") return { data: { token: answer }, error: null };
    return { data: null, error: answer };
  });
  const client = {
    useSession: () =>
      useSyncExternalStore(
        (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        () => state,
      ),
    getSession: vi.fn(async () => ({ data: null, error: null })),
    convex: { token },
  } satisfies ConvexBetterAuthClient;
  return {
    client,
    token,
    setSession: (next: BetterAuthSessionState) =>
      act(() => {
        state = next;
        for (const listener of listeners) listener();
      }),
    queueTokens: (...answers: ScriptedToken[]) => {
      queued.push(...answers);
      for (const wake of waiting.splice(0)) wake();
    },
  };
}

let serial = 0;
/** An unsigned JWT-shaped token: the client side only reads `exp`. */
function fakeJwt(expiresInSeconds = 900): string {
  const encode = (value: object) =>
    btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const exp = Math.floor(Date.now() / 1000) + expiresInSeconds;
  return `${encode({ alg: "RS256" })}.${encode({ sub: `user-${++serial}`, iat: exp - 900, exp })}.sig`;
}

const signedIn = (sessionId = "s1"): BetterAuthSessionState => ({
  data: { session: { id: sessionId }, user: { id: "u1" } },
  isPending: false,
  error: null,
});
const noSession: BetterAuthSessionState = { data: null, isPending: false, error: null };
const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 5 };

afterEach(() => cleanup());

describe("useAuthFromBetterAuth", () => {
  it("is loading until the session store answers, then authenticated with a fetched token", async () => {
    const fake = createFakeAuthClient();
    const { result } = renderHook(() => useAuthFromBetterAuth(fake.client));
    expect(result.current).toMatchObject({ isLoading: true, isAuthenticated: false });
    fake.setSession(signedIn());
    expect(result.current).toMatchObject({ isLoading: false, isAuthenticated: true });
    const token = fakeJwt();
    fake.queueTokens(token);
    expect(await result.current.fetchAccessToken({ forceRefreshToken: false })).toBe(token);
  });

  it("uses initialToken for the first request", async () => {
    const fake = createFakeAuthClient();
    const initialToken = fakeJwt();
    const { result } = renderHook(() => useAuthFromBetterAuth(fake.client, { initialToken }));
    expect(result.current).toMatchObject({ isLoading: false, isAuthenticated: true });
    expect(await result.current.fetchAccessToken({ forceRefreshToken: false })).toBe(initialToken);
    expect(fake.token).not.toHaveBeenCalled();
  });

  it("stays signed in through a failing get-session and failing token requests", async () => {
    const fake = createFakeAuthClient(signedIn());
    const initialToken = fakeJwt();
    const { result } = renderHook(() => useAuthFromBetterAuth(fake.client, { initialToken, retry: FAST_RETRY }));
    // Better Auth keeps the session data when get-session fails with a 503.
    fake.setSession({ ...signedIn(), error: { status: 503 } });
    fake.setSession({ data: null, isPending: false, error: new TypeError("Failed to fetch") });
    expect(result.current.isAuthenticated).toBe(true);
    fake.queueTokens("network-error", { status: 500 }, { status: 429 }, { status: 502 });
    expect(await result.current.fetchAccessToken({ forceRefreshToken: true })).toBe(initialToken);
    expect(fake.token).toHaveBeenCalledTimes(4);
    expect(result.current.isAuthenticated).toBe(true);
  });

  it("signs out when get-session answers without a session, and hands Convex a new fetchAccessToken", async () => {
    const fake = createFakeAuthClient(signedIn());
    const { result } = renderHook(() => useAuthFromBetterAuth(fake.client, { initialToken: fakeJwt() }));
    const before = result.current.fetchAccessToken;
    fake.setSession(noSession);
    expect(result.current).toMatchObject({ isLoading: false, isAuthenticated: false });
    expect(result.current.fetchAccessToken).not.toBe(before);
    expect(await result.current.fetchAccessToken({ forceRefreshToken: true })).toBeNull();
    expect(fake.token).not.toHaveBeenCalled();
  });

  it("signs out when /convex/token answers 401", async () => {
    const fake = createFakeAuthClient(signedIn());
    const { result } = renderHook(() => useAuthFromBetterAuth(fake.client));
    fake.queueTokens({ status: 401 });
    let token: string | null = "unset";
    await act(async () => {
      token = await result.current.fetchAccessToken({ forceRefreshToken: false });
    });
    expect(token).toBeNull();
    expect(result.current.isAuthenticated).toBe(false);
  });

  it("shares one request between concurrent fetchAccessToken calls", async () => {
    const fake = createFakeAuthClient(signedIn());
    const { result } = renderHook(() => useAuthFromBetterAuth(fake.client));
    await waitFor(() => expect(result.current.isAuthenticated).toBe(true));
    const calls = [1, 2, 3].map(() => result.current.fetchAccessToken({ forceRefreshToken: true }));
    const token = fakeJwt();
    fake.queueTokens(token);
    expect(await Promise.all(calls)).toEqual([token, token, token]);
    expect(fake.token).toHaveBeenCalledTimes(1);
  });

  it("retries at once when the browser comes back online", async () => {
    const fake = createFakeAuthClient(signedIn());
    const { result } = renderHook(() =>
      useAuthFromBetterAuth(fake.client, { retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 } }),
    );
    await waitFor(() => expect(result.current.isAuthenticated).toBe(true));
    fake.queueTokens("network-error");
    const pending = result.current.fetchAccessToken({ forceRefreshToken: true });
    await waitFor(() => expect(fake.token).toHaveBeenCalledTimes(1));
    const token = fakeJwt();
    fake.queueTokens(token);
    window.dispatchEvent(new Event("online"));
    expect(await pending).toBe(token);
  });
});

/** A Convex client double: confirms any non-null token, as a backend would. */
function fakeConvexClient() {
  const client = {
    setAuth: vi.fn(
      (
        fetchToken: (args: { forceRefreshToken: boolean }) => Promise<string | null | undefined>,
        onChange: (ok: boolean) => void,
      ) => {
        void fetchToken({ forceRefreshToken: false }).then((token) => onChange(Boolean(token)));
      },
    ),
    clearAuth: vi.fn(),
  };
  return client;
}

function AuthState() {
  const { isLoading, isAuthenticated } = useConvexAuth();
  return createElement("p", { "data-testid": "auth" }, isLoading ? "loading" : isAuthenticated ? "in" : "out");
}

describe("ConvexBetterAuthProvider", () => {
  it("authenticates Convex with initialToken, survives a get-session outage, and signs out on a null session", async () => {
    const fake = createFakeAuthClient();
    const convex = fakeConvexClient();
    const initialToken = fakeJwt();
    render(
      createElement(
        ConvexBetterAuthProvider,
        { client: convex as never, authClient: fake.client, initialToken },
        createElement(AuthState),
      ),
    );
    await waitFor(() => expect(screen.getByTestId("auth").textContent).toBe("in"));
    expect(convex.setAuth).toHaveBeenCalled();
    expect(fake.token).not.toHaveBeenCalled();

    fake.setSession({ data: null, isPending: false, error: { status: 502 } });
    expect(screen.getByTestId("auth").textContent).toBe("in");

    fake.setSession(noSession);
    await waitFor(() => expect(screen.getByTestId("auth").textContent).toBe("out"));
    expect(convex.clearAuth).toHaveBeenCalled();
  });

  it("renders with a real ConvexReactClient and feeds it the initial token", async () => {
    const fake = createFakeAuthClient();
    // Nothing listens there: the client keeps reconnecting, and auth stays unconfirmed.
    const convex = new ConvexReactClient(`http://127.0.0.1:${await unusedPort()}`, {
      unsavedChangesWarning: false,
      logger: false,
    });
    const setAuth = vi.spyOn(convex, "setAuth");
    const initialToken = fakeJwt();
    try {
      render(
        createElement(
          ConvexBetterAuthProvider,
          { client: convex, authClient: fake.client, initialToken },
          createElement(AuthState),
        ),
      );
      await waitFor(() => expect(setAuth).toHaveBeenCalled());
      const fetchToken = setAuth.mock.calls[0]![0];
      expect(await fetchToken({ forceRefreshToken: false })).toBe(initialToken);
      expect(screen.getByTestId("auth").textContent).toBe("loading");
      expect(fake.token).not.toHaveBeenCalled();
    } finally {
      cleanup();
      await convex.close();
    }
  });
});
