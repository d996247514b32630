/**
 * convex-better-auth/react: connect a Convex React client to Better Auth.
 *
 * @example
 * ```tsx
 * import { ConvexBetterAuthProvider } from "convex-better-auth/react";
 *
 * <ConvexBetterAuthProvider client={convex} authClient={authClient} initialToken={initialToken}>
 *   {children}
 * </ConvexBetterAuthProvider>;
 * ```
 * @module
 */
export { ConvexBetterAuthProvider, type ConvexBetterAuthProviderProps } from "./convex-better-auth-provider.js";
export { AuthBoundary, type AuthBoundaryProps } from "./auth-boundary.js";
export {
  useAuthFromBetterAuth,
  type ConvexAuthHookResult,
  type UseAuthFromBetterAuthOptions,
} from "./use-auth-from-better-auth.js";
export {
  fetchConvexTokenWith,
  type BetterAuthSessionState,
  type ConvexBetterAuthClient,
} from "./better-auth-token-source.js";
export { createTokenManager } from "./token-manager.js";
export {
  appStateActiveSignal,
  browserAppActiveSignal,
  type AppActiveSignal,
  type AppStateLike,
} from "./app-active-signal.js";
export type {
  SessionObservation,
  TokenFetchOutcome,
  TokenManager,
  TokenManagerOptions,
  TokenManagerSnapshot,
  TokenRetryOptions,
} from "./token-manager-types.js";
