import type { BetterAuthClientPlugin } from "better-auth/client";

/**
 * Brand on `authClient.convex.onSignOut`. Better Auth's client answers every
 * unknown property with a callable path proxy, so `typeof` cannot tell the
 * real hook from a missing one; the proxy never answers a symbol.
 *
 * @example
 * ```ts
 * const hooked = SIGN_OUT_HOOKS_BRAND in authClient.convex.onSignOut;
 * ```
 */
export const SIGN_OUT_HOOKS_BRAND: unique symbol = Symbol.for("convex-better-auth:sign-out-hooks") as never;

/**
 * What runs around a sign-out sent through the Better Auth client
 * (`authClient.signOut()`).
 *
 * @example
 * ```ts
 * const listener: SignOutListener = {
 *   beforeSignOut: () => stopAuthenticatedQueries(),
 *   afterSignOut: (signedOut) => { if (!signedOut) resumeAuthenticatedQueries(); },
 * };
 * ```
 */
export type SignOutListener = {
  /** Runs before the request leaves; the request waits for it (bounded). */
  beforeSignOut: () => void | Promise<void>;
  /**
   * Runs once the request is over. `signedOut` is false when it failed (a
   * network error or a non-2xx answer): the session may still be live.
   */
  afterSignOut?: (signedOut: boolean) => void;
};

/**
 * `authClient.convex.onSignOut`: registers a {@link SignOutListener} and
 * returns the function that removes it.
 *
 * @example
 * ```ts
 * const stop = authClient.convex.onSignOut({ beforeSignOut: () => pauseQueries() });
 * ```
 */
export type SubscribeToSignOut = ((listener: SignOutListener) => () => void) & {
  readonly [SIGN_OUT_HOOKS_BRAND]: true;
};

type FetchPlugin = NonNullable<BetterAuthClientPlugin["fetchPlugins"]>[number];

/** Longest a sign-out waits for its listeners: signing out must never hang on a stuck UI. */
const DEFAULT_WAIT_LIMIT_MS = 2_000;

function isSignOutRequest(url: string): boolean {
  // better-fetch accepts "@post/path" method prefixes and full URLs.
  const path = url.replace(/^@[a-z]+\//i, "/").split(/[?#]/)[0] ?? "";
  return path === "/sign-out" || path.endsWith("/sign-out");
}

/**
 * Tells whether `value` is a real {@link SubscribeToSignOut} (and not the
 * Better Auth client's path proxy).
 *
 * @internal
 *
 * @example
 * ```ts
 * if (isSubscribeToSignOut(authClient.convex.onSignOut)) authClient.convex.onSignOut(listener);
 * ```
 */
export function isSubscribeToSignOut(value: unknown): value is SubscribeToSignOut {
  return typeof value === "function" && (value as Partial<SubscribeToSignOut>)[SIGN_OUT_HOOKS_BRAND] === true;
}

/**
 * The sign-out hooks of one `convexClient()`: the `onSignOut` action and the
 * fetch plugin that runs its listeners around every `/sign-out` request.
 *
 * Why: when a session ends, Convex re-runs the queries that read it, with the
 * JWT the client still holds, and a query that needs a user throws
 * `UNAUTHENTICATED`. `ConvexBetterAuthProvider` listens here to drop Convex
 * auth and stop those queries before the request ends the session.
 *
 * @internal
 *
 * @example
 * ```ts
 * const hooks = createSignOutHooks();
 * const plugin = { id: "convex", fetchPlugins: [hooks.fetchPlugin], getActions: () => ({ convex: { onSignOut: hooks.onSignOut } }) };
 * ```
 */
export function createSignOutHooks(options: { waitLimitMs?: number } = {}): {
  onSignOut: SubscribeToSignOut;
  fetchPlugin: FetchPlugin;
} {
  const waitLimitMs = options.waitLimitMs ?? DEFAULT_WAIT_LIMIT_MS;
  const listeners = new Set<SignOutListener>();

  const onSignOut = Object.assign(
    (listener: SignOutListener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    { [SIGN_OUT_HOOKS_BRAND]: true as const },
  );

  const runBefore = async (notified: SignOutListener[]) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitLimitMs);
    });
    // A throwing listener must not stop the sign-out.
    const all = Promise.allSettled(notified.map((listener) => Promise.resolve().then(() => listener.beforeSignOut())));
    await Promise.race([all, limit]);
    clearTimeout(timer);
  };

  const fetchPlugin: FetchPlugin = {
    id: "convex-sign-out",
    name: "convex-better-auth: stop authenticated Convex queries before signing out",
    init: (url, fetchOptions) => {
      if (!isSignOutRequest(url) || listeners.size === 0) return { url, options: fetchOptions };
      const send: typeof fetch = fetchOptions?.customFetchImpl ?? fetch;
      // Wrapping the fetch (not onRequest/onResponse hooks) also sees a
      // network error, after which the session is still live.
      const customFetchImpl: typeof fetch = async (input, init) => {
        const notified = [...listeners];
        await runBefore(notified);
        let signedOut = false;
        try {
          const response = await send(input, init);
          signedOut = response.ok;
          return response;
        } finally {
          for (const listener of notified) {
            try {
              listener.afterSignOut?.(signedOut);
            } catch (error) {
              // Reported, but never in place of the sign-out's own result.
              setTimeout(() => {
                throw error;
              });
            }
          }
        }
      };
      return { url, options: { ...fetchOptions, customFetchImpl } };
    },
  };

  return { onSignOut, fetchPlugin };
}
