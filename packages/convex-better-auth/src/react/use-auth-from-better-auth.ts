"use client";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { fetchConvexTokenWith, toSessionObservation, type ConvexBetterAuthClient } from "./better-auth-token-source.js";
import { createTokenManager } from "./token-manager.js";
import type { SessionObservation, TokenFetchOutcome, TokenRetryOptions } from "./token-manager-types.js";
import { FRAMEWORK_ERROR_CODES } from "../server-core/errors.js";

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
  if (attempt !== 1 || status === undefined || status < 400 || status >= 500 || status === 408 || status === 429) return;
  console.warn(
    `[${FRAMEWORK_ERROR_CODES.TOKEN_REQUEST_FAILED}] GET /convex/token answered ${status}; retrying. Check that the server uses the convex() plugin and the client the convexClient() plugin.`,
  );
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

  const observation = toSessionObservation(authClient.useSession());
  // Keyed on the observation's meaning: a session store re-render with the
  // same session must not be fed again.
  const key = observationKey(observation);
  useEffect(() => {
    manager.observeSession(observation);
  }, [manager, key]);

  useEffect(() => {
    const detach = manager.attach();
    if (typeof window === "undefined") return detach;
    const retryWhenVisible = () => {
      if (document.visibilityState === "visible") manager.retryNow();
    };
    window.addEventListener("online", manager.retryNow);
    document.addEventListener("visibilitychange", retryWhenVisible);
    return () => {
      detach();
      window.removeEventListener("online", manager.retryNow);
      document.removeEventListener("visibilitychange", retryWhenVisible);
    };
  }, [manager]);

  const snapshot = useSyncExternalStore(manager.subscribe, manager.getSnapshot, manager.getSnapshot);
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
