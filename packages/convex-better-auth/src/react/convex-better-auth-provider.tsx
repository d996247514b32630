"use client";
import { ConvexProviderWithAuth } from "convex/react";
import { useCallback, type ReactNode } from "react";
import type { AppActiveSignal } from "./app-active-signal.js";
import type { ConvexBetterAuthClient } from "./better-auth-token-source.js";
import type { TokenRetryOptions } from "./token-manager-types.js";
import { useAuthFromBetterAuth } from "./use-auth-from-better-auth.js";
import { useOneTimeTokenHandoff } from "./use-one-time-token-handoff.js";

/**
 * Props of {@link ConvexBetterAuthProvider}.
 *
 * @example
 * ```ts
 * const props: ConvexBetterAuthProviderProps = { client: convex, authClient, initialToken, children };
 * ```
 */
export type ConvexBetterAuthProviderProps = {
  /** The app's `ConvexReactClient`. */
  client: Parameters<typeof ConvexProviderWithAuth>[0]["client"];
  /** `createAuthClient({ plugins: [convexClient()] })` from `better-auth/react`. */
  authClient: ConvexBetterAuthClient;
  /** A token from the server render (Next.js `getToken()`), so the first paint is authenticated. */
  initialToken?: string | null | undefined;
  /** Backoff for transient `/convex/token` failures. */
  retry?: TokenRetryOptions;
  /**
   * Subscribes to "the app is in front again": pending token retries run at
   * once, and a token that expired in the background is renewed. React
   * Native has no DOM events for it; pass `appStateActiveSignal(AppState)`,
   * created outside components.
   *
   * @default the tab becoming visible or the window gaining focus, where there is a DOM; nothing otherwise
   *
   * @example
   * ```tsx
   * import { AppState } from "react-native";
   * import { appStateActiveSignal } from "convex-better-auth/react";
   *
   * const onAppActive = appStateActiveSignal(AppState);
   * <ConvexBetterAuthProvider client={convex} authClient={authClient} onAppActive={onAppActive}>{children}</ConvexBetterAuthProvider>;
   * ```
   */
  onAppActive?: AppActiveSignal;
  children?: ReactNode;
};

/**
 * Connects a Convex React client to Better Auth: Convex requests carry a
 * Convex JWT from `authClient.convex.token()`, and `useConvexAuth()`,
 * `<Authenticated>` and `<Unauthenticated>` follow the Better Auth session.
 *
 * Transient failures (network, 5xx, 429) on `get-session` or `/convex/token`
 * never sign the user out; only the server saying the session is gone does.
 *
 * With `crossDomainClient()` (an app on another origin than the Convex
 * site), a page opened with `?ott=` — the end of an OAuth, magic-link or
 * email-verification redirect — completes that sign-in: the token leaves the
 * URL, is exchanged for the session, and auth reports loading, not signed
 * out, until the session is there.
 *
 * It needs no DOM and stores nothing itself: in React Native (with Better
 * Auth's `expoClient`, which keeps the session in SecureStore) it works as
 * in a browser, with `onAppActive` standing in for the tab's visibility.
 *
 * @example
 * ```tsx
 * "use client";
 * import { ConvexReactClient } from "convex/react";
 * import { ConvexBetterAuthProvider } from "convex-better-auth/react";
 * import { authClient } from "@/lib/auth-client";
 *
 * const convex = new ConvexReactClient(process.env.NEXT_PUBLIC_CONVEX_URL!);
 *
 * export function ConvexClientProvider({ children, initialToken }: { children: React.ReactNode; initialToken?: string | null }) {
 *   return (
 *     <ConvexBetterAuthProvider client={convex} authClient={authClient} initialToken={initialToken}>
 *       {children}
 *     </ConvexBetterAuthProvider>
 *   );
 * }
 * ```
 */
export function ConvexBetterAuthProvider({
  client,
  authClient,
  initialToken,
  retry,
  onAppActive,
  children,
}: ConvexBetterAuthProviderProps) {
  // A cross-domain redirect sign-in (`?ott=`) completes before the session
  // store's first answer may count as signed out.
  const handingOff = useOneTimeTokenHandoff(authClient);
  const auth = useAuthFromBetterAuth(authClient, {
    initialToken,
    client,
    holdSession: handingOff,
    ...(retry ? { retry } : {}),
    ...(onAppActive ? { onAppActive } : {}),
  });
  // The state lives in this component; ConvexProviderWithAuth re-renders with
  // it and only needs a hook that returns it.
  const useAuth = useCallback(() => auth, [auth]);
  return (
    <ConvexProviderWithAuth client={client} useAuth={useAuth}>
      {children}
    </ConvexProviderWithAuth>
  );
}
