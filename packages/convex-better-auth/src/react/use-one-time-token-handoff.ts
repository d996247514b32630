"use client";
import { useEffect, useState } from "react";
import { ONE_TIME_TOKEN_PARAM } from "../plugins/cross-domain/headers.js";
import type { BetterAuthSessionState } from "./better-auth-token-source.js";

type VerifyAnswer = { data: { session?: { id?: string | null } | null } | null; error?: unknown };

/**
 * What the one-time-token hand-off needs from the Better Auth client:
 * `crossDomainClient()`'s `crossDomain.oneTimeToken.verify` and the session
 * store. Typed structurally, like `ConvexBetterAuthClient`.
 *
 * @example
 * ```ts
 * const client: OneTimeTokenHandoffClient = authClient;
 * ```
 */
export type OneTimeTokenHandoffClient = {
  useSession(): BetterAuthSessionState & { refetch?: unknown };
  crossDomain?: { oneTimeToken?: { verify?: unknown } };
};

/** A hand-off that settles this long after its token was verified, whatever the session store says. */
const SETTLE_LIMIT_MS = 10_000;

// Per token, for the page's lifetime: React StrictMode runs effects twice,
// and a one-time token can be verified only once.
const handoffs = new Map<string, Promise<string | null>>();

function hasWindow(): boolean {
  return typeof window !== "undefined" && typeof window.location?.href === "string";
}

/** The `?ott=` of the page's URL, or null (always null without a DOM). */
function tokenInUrl(): string | null {
  if (!hasWindow()) return null;
  try {
    return new URL(window.location.href).searchParams.get(ONE_TIME_TOKEN_PARAM) || null;
  } catch {
    return null;
  }
}

/** Drop `?ott=` from the address bar and history, keeping the router's history state. */
function removeTokenFromUrl(): void {
  if (!hasWindow() || typeof window.history?.replaceState !== "function") return;
  const url = new URL(window.location.href);
  if (!url.searchParams.has(ONE_TIME_TOKEN_PARAM)) return;
  url.searchParams.delete(ONE_TIME_TOKEN_PARAM);
  window.history.replaceState(window.history.state, "", url.toString());
}

/** Verify once; the session id it signed in, or null when it did not. */
function verify(authClient: OneTimeTokenHandoffClient, token: string): Promise<string | null> {
  let pending = handoffs.get(token);
  if (!pending) {
    const call = authClient.crossDomain?.oneTimeToken?.verify;
    pending =
      typeof call === "function"
        ? (call as (body: { token: string }) => Promise<VerifyAnswer>)({ token }).then(
            (answer) => answer?.data?.session?.id ?? null,
            () => null,
          )
        : Promise.resolve(null);
    handoffs.set(token, pending);
  }
  return pending;
}

/**
 * Completes a cross-domain redirect sign-in on page load: when the URL has
 * `?ott=<token>` (put there by the `crossDomain()` server plugin after an
 * OAuth callback, a magic link or an email verification), the token is
 * removed from the URL, exchanged through
 * `authClient.crossDomain.oneTimeToken.verify` (which stores the session
 * cookie), and the session store refetched.
 *
 * Returns true while the hand-off is under way — until the session store
 * shows the new session, or the exchange failed — so the provider can report
 * "loading" instead of flashing signed-out UI first.
 *
 * @see https://github.com/get-convex/better-auth/issues/260
 *
 * @example
 * ```ts
 * const handingOff = useOneTimeTokenHandoff(authClient);
 * const auth = useAuthFromBetterAuth(authClient, { holdSession: handingOff });
 * ```
 */
export function useOneTimeTokenHandoff(authClient: OneTimeTokenHandoffClient): boolean {
  const [token] = useState(tokenInUrl);
  // undefined: verifying; null: failed or settled; string: the session it signed in.
  const [verified, setVerified] = useState<string | null | undefined>(token ? undefined : null);
  const state = authClient.useSession();
  const storeSessionId = state.data?.session?.id ?? null;

  useEffect(() => {
    if (!token) return;
    let active = true;
    removeTokenFromUrl();
    void verify(authClient, token).then((sessionId) => {
      if (!active) return;
      setVerified(sessionId);
      // The client plugin already asked the store to refetch when the token
      // changed; asking again covers a client that did not.
      if (sessionId !== null && typeof state.refetch === "function") void (state.refetch as () => Promise<unknown>)();
    });
    return () => {
      active = false;
    };
    // The token is read once per mount; the client is the page's.
  }, [token]);

  useEffect(() => {
    if (typeof verified !== "string") return;
    // A store that never shows the session must not keep the app loading.
    const timer = setTimeout(() => setVerified(null), SETTLE_LIMIT_MS);
    return () => clearTimeout(timer);
  }, [verified]);

  // Once the store shows the session, the hand-off is over for good: a later
  // sign-out must not bring the hold back.
  const settled = typeof verified === "string" && storeSessionId === verified;
  useEffect(() => {
    if (settled) setVerified(null);
  }, [settled]);

  if (verified === undefined) return true;
  return verified !== null && !settled;
}
