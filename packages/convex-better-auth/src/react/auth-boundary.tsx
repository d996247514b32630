"use client";
import { useConvexAuth, useQuery } from "convex/react";
import type { FunctionReference } from "convex/server";
import { Component, useCallback, useEffect, useRef, type ErrorInfo, type ReactNode } from "react";
import type { ConvexBetterAuthClient } from "./better-auth-token-source.js";

/**
 * Props of {@link AuthBoundary}.
 *
 * @example
 * ```ts
 * const props: AuthBoundaryProps = {
 *   authClient,
 *   getAuthUserFn: api.auth.getAuthUser,
 *   isAuthError: (error) => isConvexBetterAuthError(error, "UNAUTHENTICATED"),
 *   onUnauth: () => router.push("/sign-in"),
 *   children,
 * };
 * ```
 */
export type AuthBoundaryProps = {
  children?: ReactNode;
  /** Called once the session is known to be gone, e.g. to redirect to sign-in. */
  onUnauth: () => void | Promise<void>;
  /** Its `getSession()` runs first, so stale session cookies are cleared before `onUnauth`. */
  authClient: Pick<ConvexBetterAuthClient, "getSession">;
  /** A query that throws when there is no user: `authComponent.clientApi().getAuthUser`. */
  getAuthUserFn: FunctionReference<"query">;
  /** Whether a caught error means "not signed in". Other errors go to the next error boundary. */
  isAuthError: (error: unknown) => boolean;
  /** Rendered instead of the children after an auth error. Default: nothing. */
  renderFallback?: () => ReactNode;
};

type BoundaryProps = {
  children?: ReactNode;
  isAuthError: (error: unknown) => boolean;
  onAuthError: () => void;
  renderFallback?: (() => ReactNode) | undefined;
  /** Convex auth state: a caught auth error is cleared when it turns true again (a new sign-in). */
  authenticated: boolean;
};

type BoundaryState = { caught: boolean; error: unknown };

// React error boundaries can only be class components.
class AuthErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { caught: false, error: undefined };

  static getDerivedStateFromError(error: unknown): BoundaryState {
    return { caught: true, error };
  }

  override componentDidCatch(error: unknown, _info: ErrorInfo): void {
    if (this.props.isAuthError(error)) this.props.onAuthError();
  }

  override componentDidUpdate(previous: BoundaryProps): void {
    if (this.state.caught && !previous.authenticated && this.props.authenticated)
      this.setState({ caught: false, error: undefined });
  }

  override render(): ReactNode {
    if (!this.state.caught) return this.props.children;
    // Not ours to handle: hand it to the next boundary up.
    if (!this.props.isAuthError(this.state.error)) throw this.state.error;
    return this.props.renderFallback?.() ?? null;
  }
}

function AuthUserSubscription({
  getAuthUserFn,
  onUnauthenticated,
}: {
  getAuthUserFn: AuthBoundaryProps["getAuthUserFn"];
  onUnauthenticated: () => void;
}) {
  const { isLoading, isAuthenticated } = useConvexAuth();
  // Subscribed only while authenticated: when the session is revoked the
  // query throws, and the boundary around this component catches it.
  useQuery(getAuthUserFn, isAuthenticated ? {} : "skip");
  useEffect(() => {
    if (!isLoading && !isAuthenticated) onUnauthenticated();
  }, [isLoading, isAuthenticated, onUnauthenticated]);
  return null;
}

/**
 * Sends the user away (via `onUnauth`) when Convex says they are not signed
 * in: when Convex auth resolves to unauthenticated, or when a query below
 * throws an error `isAuthError` recognises (e.g. the session was revoked
 * while the JWT was still valid). It first calls `authClient.getSession()`
 * so Better Auth clears stale cookies, then `onUnauth()` once per sign-out.
 *
 * @example
 * ```tsx
 * <AuthBoundary
 *   authClient={authClient}
 *   getAuthUserFn={api.auth.getAuthUser}
 *   isAuthError={(error) => isConvexBetterAuthError(error, "UNAUTHENTICATED")}
 *   onUnauth={() => router.replace("/sign-in")}
 *   renderFallback={() => <p>Signing out…</p>}
 * >
 *   <Dashboard />
 * </AuthBoundary>
 * ```
 */
export function AuthBoundary({
  children,
  onUnauth,
  authClient,
  getAuthUserFn,
  isAuthError,
  renderFallback,
}: AuthBoundaryProps) {
  const { isAuthenticated } = useConvexAuth();
  const latest = useRef({ onUnauth, authClient });
  useEffect(() => {
    latest.current = { onUnauth, authClient };
  }, [onUnauth, authClient]);
  const handling = useRef(false);
  useEffect(() => {
    // A new sign-in re-arms the handler.
    if (isAuthenticated) handling.current = false;
  }, [isAuthenticated]);

  const handleUnauth = useCallback(() => {
    if (handling.current) return;
    handling.current = true;
    void (async () => {
      try {
        await latest.current.authClient.getSession();
      } catch {
        // Clearing cookies is best effort; onUnauth must still run.
      }
      await latest.current.onUnauth();
    })();
  }, []);

  return (
    <AuthErrorBoundary
      isAuthError={isAuthError}
      onAuthError={handleUnauth}
      renderFallback={renderFallback}
      authenticated={isAuthenticated}
    >
      <AuthUserSubscription getAuthUserFn={getAuthUserFn} onUnauthenticated={handleUnauth} />
      {children}
    </AuthErrorBoundary>
  );
}
