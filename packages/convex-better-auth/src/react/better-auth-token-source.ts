import type { SessionObservation, TokenFetchOutcome } from "./token-manager-types.js";

/**
 * The `useSession()` state of a Better Auth React client.
 *
 * @example
 * ```ts
 * const state: BetterAuthSessionState = authClient.useSession();
 * ```
 */
export type BetterAuthSessionState = {
  data: { session?: { id?: string | null } | null; user?: { id?: string | null } | null } | null | undefined;
  isPending: boolean;
  error?: unknown;
};

type ConvexTokenResponse = {
  data: { token: string } | null;
  error: { status: number; statusText?: string; message?: string } | null;
};

type TokenRequestOptions = {
  fetchOptions?: {
    throw?: false;
    onError?: (context: { response: Response }) => void | Promise<void>;
  };
};

/**
 * What `ConvexBetterAuthProvider` and `AuthBoundary` need from a Better
 * Auth client: `createAuthClient` from `better-auth/react` with the
 * `convexClient()` plugin. Typed structurally, so any Better Auth version or
 * plugin mix that has these members fits.
 *
 * @example
 * ```ts
 * import { createAuthClient } from "better-auth/react";
 * import { convexClient } from "convex-better-auth/client/plugins";
 *
 * export const authClient: ConvexBetterAuthClient = createAuthClient({ plugins: [convexClient()] });
 * ```
 */
export type ConvexBetterAuthClient = {
  useSession(): BetterAuthSessionState;
  getSession(): Promise<unknown>;
  convex: {
    token(options?: TokenRequestOptions): Promise<ConvexTokenResponse>;
    /** From `convexClient()`: lets the provider stop authenticated queries before a sign-out. */
    onSignOut?: unknown;
  };
};

/**
 * `Retry-After` in milliseconds (seconds or an HTTP date), or undefined.
 *
 * @example
 * ```ts
 * parseRetryAfter("3"); // 3000
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Whether an HTTP status means "this session does not exist": the only
 * answers allowed to sign a user out.
 *
 * @example
 * ```ts
 * isSignedOutStatus(401); // true
 * isSignedOutStatus(503); // false
 * ```
 */
export function isSignedOutStatus(status: number | undefined): boolean {
  return status === 401 || status === 403;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}

/**
 * One `GET /convex/token` through the Better Auth client, classified for the
 * token manager. Network failures (which better-fetch throws) and every
 * status other than 401/403 are transient.
 *
 * @example
 * ```ts
 * const manager = createTokenManager({ fetchToken: () => fetchConvexTokenWith(authClient) });
 * ```
 */
export async function fetchConvexTokenWith(
  authClient: Pick<ConvexBetterAuthClient, "convex">,
): Promise<TokenFetchOutcome> {
  let retryAfterMs: number | undefined;
  try {
    const { data, error } = await authClient.convex.token({
      fetchOptions: {
        throw: false,
        onError: ({ response }) => {
          retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
        },
      },
    });
    if (typeof data?.token === "string" && data.token !== "") return { kind: "token", token: data.token };
    const status = statusOf(error);
    if (status !== undefined && isSignedOutStatus(status)) return { kind: "signed-out", status };
    return {
      kind: "transient",
      ...(status !== undefined ? { status } : {}),
      ...(error ? { error } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  } catch (error) {
    return { kind: "transient", error };
  }
}

/**
 * Read Better Auth's session store state as a {@link SessionObservation}.
 *
 * Only a successful answer without a session (or a 401/403) counts as
 * "no session". Better Auth keeps the previous `data` when `get-session`
 * fails, so a failure with data still shows the session, and a failure
 * without data is reported as an error, never as a sign-out.
 *
 * @example
 * ```ts
 * manager.observeSession(toSessionObservation(authClient.useSession()));
 * ```
 */
export function toSessionObservation(state: BetterAuthSessionState): SessionObservation {
  const status = statusOf(state.error);
  if (state.error && isSignedOutStatus(status)) return { kind: "no-session" };
  const session = state.data?.session;
  if (session) return { kind: "session", sessionId: session.id ?? state.data?.user?.id ?? "" };
  if (state.error) return { kind: "error", ...(status !== undefined ? { status } : {}) };
  if (state.isPending) return { kind: "pending" };
  return { kind: "no-session" };
}
