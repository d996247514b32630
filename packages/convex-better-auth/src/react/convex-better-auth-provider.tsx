"use client";
import { ConvexProviderWithAuth } from "convex/react";
import { useCallback, type ReactNode } from "react";
import type { ConvexBetterAuthClient } from "./better-auth-token-source.js";
import type { TokenRetryOptions } from "./token-manager-types.js";
import { useAuthFromBetterAuth } from "./use-auth-from-better-auth.js";

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
export function ConvexBetterAuthProvider({ client, authClient, initialToken, retry, children }: ConvexBetterAuthProviderProps) {
  const auth = useAuthFromBetterAuth(authClient, { initialToken, ...(retry ? { retry } : {}) });
  // The state lives in this component; ConvexProviderWithAuth re-renders with
  // it and only needs a hook that returns it.
  const useAuth = useCallback(() => auth, [auth]);
  return (
    <ConvexProviderWithAuth client={client} useAuth={useAuth}>
      {children}
    </ConvexProviderWithAuth>
  );
}
