"use client";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { fetchConvexTokenWith, toSessionObservation, type ConvexBetterAuthClient } from "./better-auth-token-source.js";
import { createTokenManager } from "./token-manager.js";
import type { SessionObservation, TokenFetchOutcome, TokenRetryOptions } from "./token-manager-types.js";
import { FRAMEWORK_ERROR_CODES } from "../server-core/errors.js";
import { isSubscribeToSignOut } from "../client/plugins/sign-out-hooks.js";
import { browserAppActiveSignal, subscribeToBrowserOnline, type AppActiveSignal } from "./app-active-signal.js";

/**
 * Options of {@link useAuthFromBetterAuth}.
 *
 * @example
 * ```ts
 * const options: UseAuthFromBetterAuthOptions = { initialToken, retry: { maxDelayMs: 10_000 } };
 * ```
 */
export type UseAuthFromBetterAuthOptions = {
  /** A token rendered by the server, used for Convex's first request. */
  initialToken?: string | null | undefined;
  /** Backoff for transient `/convex/token` failures. */
  retry?: TokenRetryOptions;
  /**
   * The Convex client the hook's state drives. During a sign-out its
   * `clearAuth()` is held until the queries skipped while signed out have
   * unsubscribed, so Convex never re-runs them without a user.
   */
  client?: { clearAuth(): void };
  /**
   * While true, the session store's answers are treated as still pending:
   * a sign-in is being completed elsewhere (the provider's `?ott=`
   * hand-off), and the store's "no session" until then must not show
   * signed-out UI.
   */
  holdSession?: boolean;
  /**
   * Subscribes to "the app is in front again". On each signal, pending
   * token retries run at once and a token that expired (or expires within
   * a minute) while the app was in the background is renewed. In React
   * Native pass `appStateActiveSignal(AppState)`; keep the function's
   * identity stable (create it outside components), or it is re-subscribed
   * on every render.
   *
   * @default the tab becoming visible or the window gaining focus, where there is a DOM; nothing otherwise
   *
   * @example
   * ```ts
   * import { AppState } from "react-native";
   *
   * const onAppActive = appStateActiveSignal(AppState);
   * useAuthFromBetterAuth(authClient, { onAppActive });
   * ```
   */
  onAppActive?: AppActiveSignal;
};

/**
 * The auth state `ConvexProviderWithAuth` consumes.
 *
 * @example
 * ```ts
 * const { isLoading, isAuthenticated, fetchAccessToken }: ConvexAuthHookResult = useAuthFromBetterAuth(authClient);
 * ```
 */
export type ConvexAuthHookResult = {
  isLoading: boolean;
  isAuthenticated: boolean;
  fetchAccessToken: (args: { forceRefreshToken: boolean }) => Promise<string | null>;
};

// A 4xx other than 401/403/408/429 is retried like any failure (it does not
// prove the session is gone), but it usually means a setup mistake — e.g. a
// 404 because convex() is missing from the server plugins — so say so once
// per retry loop instead of loading forever in silence.
function warnOnMisconfiguration(outcome: Extract<TokenFetchOutcome, { kind: "transient" }>, attempt: number): void {
  const { status } = outcome;
  if (attempt !== 1 || status === undefined || status < 400 || status >= 500 || status === 408 || status === 429)
    return;
  console.warn(
    `[${FRAMEWORK_ERROR_CODES.TOKEN_REQUEST_FAILED}] GET /convex/token answered ${status}; retrying. Check that the server uses the convex() plugin and the client the convexClient() plugin.`,
  );
}

// Holds `client.clearAuth()` calls until the returned release runs, which
// makes the held call, if any.
function holdClearAuth(client: { clearAuth(): void } | undefined): () => void {
  if (!client) return () => {};
  const target = client as { clearAuth: () => void };
  const ownBefore = Object.prototype.hasOwnProperty.call(target, "clearAuth");
  const previous = target.clearAuth;
  let held = false;
  target.clearAuth = () => {
    held = true;
  };
  return () => {
    if (ownBefore) target.clearAuth = previous;
    else delete (target as Partial<typeof target>).clearAuth;
    if (held) target.clearAuth();
  };
}

function observationKey(observation: SessionObservation): string {
  return observation.kind === "session" ? `session:${observation.sessionId}` : observation.kind;
}

/**
 * The `useAuth` hook for `ConvexProviderWithAuth`, backed by a Better Auth
 * client with `convexClient()`. `ConvexBetterAuthProvider` uses it; use it
 * directly to build your own provider.
 *
 * The user counts as signed out only when the server says so (`/convex/token`
 * answering 401/403, or `get-session` answering 200 without a session).
 * Network errors, 5xx and 429 keep the last good token and retry with
 * backoff; going back online or returning to the tab retries at once.
 *
 * @example
 * ```tsx
 * function useAuth() {
 *   return useAuthFromBetterAuth(authClient, { initialToken });
 * }
 * <ConvexProviderWithAuth client={convex} useAuth={useAuth}>{children}</ConvexProviderWithAuth>;
 * ```
 */
export function useAuthFromBetterAuth(
  authClient: ConvexBetterAuthClient,
  options: UseAuthFromBetterAuthOptions = {},
): ConvexAuthHookResult {
  const latestClient = useRef(authClient);
  useEffect(() => {
    latestClient.current = authClient;
  }, [authClient]);
  const [manager] = useState(() =>
    createTokenManager({
      fetchToken: () => fetchConvexTokenWith(latestClient.current),
      initialToken: options.initialToken,
      ...(options.retry ? { retry: options.retry } : {}),
      onTransientError: warnOnMisconfiguration,
    }),
  );

  const sessionState = authClient.useSession();
  const observation: SessionObservation = options.holdSession
    ? { kind: "pending" }
    : toSessionObservation(sessionState);
  // Keyed on the observation's meaning: a session store re-render with the
  // same session must not be fed again.
  const key = observationKey(observation);
  useEffect(() => {
    manager.observeSession(observation);
  }, [manager, key]);

  // Better Auth's session store loads on mount only where `window` exists;
  // elsewhere it takes the runtime for a server. Effects run only on
  // clients, so a client without `window` gets that first load from here.
  const loadRequested = useRef(false);
  const { refetch } = sessionState as { refetch?: unknown };
  useEffect(() => {
    if (
      loadRequested.current ||
      typeof window !== "undefined" ||
      !sessionState.isPending ||
      typeof refetch !== "function"
    )
      return;
    loadRequested.current = true;
    void (refetch as () => Promise<unknown>)();
  }, [refetch, sessionState.isPending]);

  useEffect(() => manager.attach(), [manager]);
  // No DOM assumed: React Native has a `window` without events and no `document`.
  useEffect(() => subscribeToBrowserOnline(manager.retryNow), [manager]);
  const onAppActive = options.onAppActive ?? browserAppActiveSignal;
  useEffect(() => onAppActive(manager.resume), [manager, onAppActive]);

  const snapshot = useSyncExternalStore(manager.subscribe, manager.getSnapshot, manager.getSnapshot);

  // authClient.signOut() waits until this state change is committed: the
  // queries skipped while signed out have unsubscribed (children's effects
  // run before this one) and only then is Convex auth cleared, so the server
  // never re-runs them for the ended session or without a user (a query
  // that needs one would throw UNAUTHENTICATED).
  const committed = useRef<(() => void)[]>([]);
  useEffect(() => {
    for (const done of committed.current.splice(0)) done();
  }, [snapshot]);
  const latestConvexClient = useRef(options.client);
  useEffect(() => {
    latestConvexClient.current = options.client;
  }, [options.client]);
  useEffect(() => {
    const onSignOut = authClient.convex.onSignOut;
    if (!isSubscribeToSignOut(onSignOut)) return;
    return onSignOut({
      beforeSignOut: async () => {
        const before = manager.getSnapshot();
        // ConvexProviderWithAuth clears auth in an effect cleanup, before
        // the skipped queries unsubscribe in their effects.
        const release = holdClearAuth(latestConvexClient.current);
        const tokenRequestsDone = manager.beginSignOut();
        await new Promise<void>((resolve) => {
          if (manager.getSnapshot() === before) resolve();
          else committed.current.push(resolve);
        });
        release();
        await tokenRequestsDone;
      },
      afterSignOut: manager.endSignOut,
    });
  }, [authClient, manager]);
  // A new function identity per generation is deliberate: it is how
  // ConvexProviderWithAuth learns that tokens for the previous session are
  // void and calls setAuth again.
  const fetchAccessToken = useCallback(
    (args: { forceRefreshToken: boolean }) => manager.fetchAccessToken(args),
    [manager, snapshot.generation],
  );
  return useMemo(
    () => ({
      isLoading: snapshot.status === "loading",
      isAuthenticated: snapshot.status === "authenticated",
      fetchAccessToken,
    }),
    [snapshot.status, fetchAccessToken],
  );
}
