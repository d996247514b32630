/**
 * The answer to one `GET /convex/token`.
 *
 * - `token`: the server minted a token.
 * - `signed-out`: the server said the session is gone (401/403).
 * - `transient`: anything else — network error, 5xx, 429, an unreadable
 *   answer. It says nothing about the session, so it never signs out.
 *
 * @example
 * ```ts
 * const outcome: TokenFetchOutcome = { kind: "transient", status: 503, retryAfterMs: 2000 };
 * ```
 */
export type TokenFetchOutcome =
  | { kind: "token"; token: string }
  | { kind: "signed-out"; status: number }
  | { kind: "transient"; status?: number; error?: unknown; retryAfterMs?: number };

/**
 * What the Better Auth session store currently says.
 *
 * - `pending`: the first `get-session` has not answered yet.
 * - `session`: there is a session (`sessionId` tells sessions apart).
 * - `no-session`: the server answered that there is none (200 with null, or 401/403).
 * - `error`: the request failed (network, 5xx, 429); the session is unknown.
 *
 * @example
 * ```ts
 * manager.observeSession({ kind: "session", sessionId: "s1" });
 * ```
 */
export type SessionObservation =
  | { kind: "pending" }
  | { kind: "session"; sessionId: string }
  | { kind: "no-session" }
  | { kind: "error"; status?: number };

/**
 * What the manager believes: `loading` until either the session store or a
 * token request answers, then `authenticated` or `unauthenticated`.
 * `generation` changes whenever cached tokens stop being valid for the
 * current user (sign-out, a different session), which tells Convex to ask
 * again.
 *
 * @example
 * ```ts
 * const { status, generation }: TokenManagerSnapshot = manager.getSnapshot();
 * ```
 */
export type TokenManagerSnapshot = {
  status: "loading" | "authenticated" | "unauthenticated";
  generation: number;
};

/**
 * Retry policy for transient token failures.
 *
 * @example
 * ```ts
 * const retry: TokenRetryOptions = { attemptsWithToken: 3, baseDelayMs: 250, maxDelayMs: 10_000 };
 * ```
 */
export type TokenRetryOptions = {
  /**
   * Attempts made while an unexpired token is held; after that the held
   * token is returned (Convex asks again before it expires). Without a
   * usable token, retries go on — with the delay capped — until the server
   * answers, because returning nothing would sign the user out of Convex.
   *
   * @default 4
   */
  attemptsWithToken?: number;
  /** First retry delay; doubles per attempt. @default 500 */
  baseDelayMs?: number;
  /** Upper bound of any single delay, including `Retry-After`. @default 30_000 */
  maxDelayMs?: number;
};

/**
 * Options of {@link createTokenManager}.
 *
 * @example
 * ```ts
 * const options: TokenManagerOptions = { fetchToken: () => fetchConvexTokenWith(authClient) };
 * ```
 */
export type TokenManagerOptions = {
  /** One token request. Should not throw; a throw counts as transient. */
  fetchToken: () => Promise<TokenFetchOutcome>;
  /** A token rendered by the server (e.g. Next.js `getToken()`), used for the first request. */
  initialToken?: string | null | undefined;
  retry?: TokenRetryOptions;
  /** Reports transient failures (each attempt). */
  onTransientError?: (outcome: Extract<TokenFetchOutcome, { kind: "transient" }>, attempt: number) => void;
  /** Clock in milliseconds. */
  now?: () => number;
  /** Random number in [0, 1), for jitter. */
  random?: () => number;
  /** Waits `ms`, or less when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
};

/**
 * The framework-agnostic state machine behind `ConvexBetterAuthProvider`.
 *
 * @example
 * ```ts
 * const token = await manager.fetchAccessToken({ forceRefreshToken: false });
 * ```
 */
export type TokenManager = {
  /** The `fetchAccessToken` Convex's `setAuth` calls. Never throws. */
  fetchAccessToken: (args: { forceRefreshToken: boolean }) => Promise<string | null>;
  /** Feed the latest session store state. */
  observeSession: (observation: SessionObservation) => void;
  getSnapshot: () => TokenManagerSnapshot;
  subscribe: (listener: () => void) => () => void;
  /** Cut a pending retry delay short (the browser came back online, the tab became visible). */
  retryNow: () => void;
  /**
   * The app is in front again (tab visible, React Native `AppState`
   * "active"): cut pending retry delays short and, when the held token has
   * expired or expires within a minute, fetch a new one now. Convex, which
   * may have missed its refresh while the app was suspended, then gets that
   * token (or the request in flight) when it asks on reconnecting.
   */
  resume: () => void;
  /**
   * A sign-out is about to be sent: report unauthenticated now, so Convex
   * auth is dropped and authenticated queries stop before the session ends.
   * The session store's copy of this session is ignored until
   * {@link TokenManager.endSignOut}. Resolves once no `/convex/token`
   * request is in flight: one that reached the server after the session
   * ended would be refused (a 401 in the browser console).
   */
  beginSignOut: () => Promise<void>;
  /** The sign-out request is over; `signedOut` false (it failed) restores the session's auth. */
  endSignOut: (signedOut: boolean) => void;
  /** Start working; returns the function that stops pending retries (unmount). */
  attach: () => () => void;
};
