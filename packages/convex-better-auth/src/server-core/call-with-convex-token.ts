import { isConvexBetterAuthError } from "../shared/errors.js";
import type { ConvexTokenResult } from "./convex-token-getter.js";

// What the Convex backend answers when it refuses a token (HTTP 401 bodies
// carry these codes), and what Convex functions commonly throw for "not
// signed in".
const AUTH_ERROR_PATTERN = /\b(Unauthenticated|Unauthorized|InvalidAuthHeader|NoAuthProvider|AuthUpdateFailed|Token expired)\b/i;

/**
 * The default `jwtCache.isAuthError`: true for this library's
 * `UNAUTHENTICATED` `ConvexError` and for the errors the Convex backend
 * returns when it refuses a token.
 *
 * @example
 * ```ts
 * convexBetterAuthNextJs({ convexUrl, convexSiteUrl, jwtCache: { enabled: true, isAuthError: isConvexAuthError } });
 * ```
 */
export function isConvexAuthError(error: unknown): boolean {
  if (isConvexBetterAuthError(error, "UNAUTHENTICATED")) return true;
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : "";
  return AUTH_ERROR_PATTERN.test(message);
}

/**
 * Options of {@link callWithConvexToken}.
 *
 * @internal
 */
export type CallWithConvexTokenOptions = {
  isAuthError: (error: unknown) => boolean;
  /** Lets framework control-flow errors (Next's redirect, notFound…) through first. */
  rethrow?: (error: unknown) => void;
};

/**
 * Run `call` with the request's Convex token. When the token came from the
 * `convex_jwt` cookie and the call fails with an auth error, it is retried
 * once with a fresh token: a cached JWT verifies until `exp` even after its
 * session was revoked, and the fresh request answers for the session as it
 * is now. Every other error is rethrown untouched.
 *
 * @example
 * ```ts
 * const user = await callWithConvexToken(
 *   (options) => getToken(headers, options),
 *   (token) => fetchQuery(api.users.me, {}, { token }),
 *   { isAuthError: isConvexAuthError },
 * );
 * ```
 */
export async function callWithConvexToken<T>(
  getToken: (options: { forceRefresh: boolean }) => Promise<ConvexTokenResult | undefined>,
  call: (token: string | undefined) => Promise<T>,
  options: CallWithConvexTokenOptions,
): Promise<T> {
  const first = await getToken({ forceRefresh: false });
  try {
    return await call(first?.token);
  } catch (error) {
    options.rethrow?.(error);
    if (first?.source !== "cookie" || !options.isAuthError(error)) throw error;
  }
  const fresh = await getToken({ forceRefresh: true });
  return call(fresh?.token);
}
