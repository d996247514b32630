import { ConvexError } from "convex/values";
import { isConvexBetterAuthError } from "../shared/errors.js";
import type { ConvexTokenResult } from "./convex-token-getter.js";

// The short codes the Convex backend answers with (HTTP 401, body
// `{"code","message"}`) when it refuses a user token before running the
// function: unparseable or unverifiable token (bad signature, issuer,
// audience, expired), no provider for its issuer, a token that expired
// between validation and execution, a failed re-authentication.
const TOKEN_REFUSAL_CODES = new Set(["InvalidAuthHeader", "NoAuthProvider", "TokenExpired", "AuthUpdateFailed"]);

// The status of those refusals. Convex answers 200 whenever a function ran,
// even when it threw, so a 401 proves the function did not run.
const TOKEN_REFUSED_STATUS = 401;

/**
 * True when `error` is the Convex backend refusing the call's token, as
 * `ConvexHttpClient` (and so `convex/nextjs`) surfaces it: a plain `Error`
 * whose message is the 401 body, `{"code":"InvalidAuthHeader","message":…}`
 * (also `NoAuthProvider`, `TokenExpired`, `AuthUpdateFailed`).
 *
 * Only that exact shape counts. Errors thrown by the function itself reach
 * the client as `"[Request ID: …] Server Error\nUncaught Error: …"` or as a
 * `ConvexError`, so an app's own `throw new Error("Unauthorized")` never
 * matches, whatever its text.
 *
 * @example
 * ```ts
 * isConvexTokenRefusal(new Error('{"code":"InvalidAuthHeader","message":"Could not verify token"}')); // true
 * isConvexTokenRefusal(new Error("[Request ID: 1] Server Error\nUncaught Error: Unauthorized")); // false
 * ```
 */
export function isConvexTokenRefusal(error: unknown): boolean {
  // A ConvexError built from data has that data's JSON as its message; only
  // the function can throw one, so it is never the backend's refusal. Checked
  // by shape as well as class, for errors from another copy of convex.
  if (!(error instanceof Error) || error instanceof ConvexError || "data" in error) return false;
  let body: unknown;
  try {
    body = JSON.parse(error.message);
  } catch {
    return false;
  }
  if (typeof body !== "object" || body === null) return false;
  const code = (body as { code?: unknown }).code;
  return typeof code === "string" && TOKEN_REFUSAL_CODES.has(code);
}

/**
 * The default `jwtCache.isAuthError`: true when Convex refused the token
 * ({@link isConvexTokenRefusal}) and for this library's `UNAUTHENTICATED`
 * `ConvexError` (what `getAuthUser` throws for a revoked or expired
 * session). Never decided by message text.
 *
 * Whatever it returns, a mutation or action is retried only when Convex
 * refused the token before running it; see `callWithConvexToken`.
 *
 * @example
 * ```ts
 * convexBetterAuthNextJs({
 *   convexUrl,
 *   convexSiteUrl,
 *   jwtCache: { isAuthError: (error) => isConvexAuthError(error) || isMyAppsSignedOutError(error) },
 * });
 * ```
 */
export function isConvexAuthError(error: unknown): boolean {
  return isConvexBetterAuthError(error, "UNAUTHENTICATED") || isConvexTokenRefusal(error);
}

/**
 * The kind of Convex function a call runs; decides whether it may be run a
 * second time.
 *
 * @example
 * ```ts
 * const kind: ConvexCallKind = "mutation";
 * ```
 */
export type ConvexCallKind = "query" | "mutation" | "action";

/**
 * One try of a call: the token to send and the `fetch` the Convex client
 * must use, which records whether Convex refused the token.
 *
 * @internal
 */
export type ConvexCallAttempt = { token: string | undefined; fetch: typeof fetch };

/**
 * Options of {@link callWithConvexToken}.
 *
 * @internal
 */
export type CallWithConvexTokenOptions = {
  kind: ConvexCallKind;
  isAuthError: (error: unknown) => boolean;
  /** Lets framework control-flow errors (Next's redirect, notFound…) through first. */
  rethrow?: (error: unknown) => void;
  /** The `fetch` the attempts wrap; the global one, read at call time, by default. */
  fetch?: typeof fetch;
};

/**
 * Run `call` with the request's Convex token. When the token came from the
 * `convex_jwt` cookie and was not good enough, the call is repeated once
 * with a fresh token: a cached JWT verifies until `exp` even after its
 * session was revoked, and the fresh request answers for the session as it
 * is now.
 *
 * Repeating must never run a function twice:
 * - a query (read-only) is repeated when `isAuthError(error)`, e.g. the
 *   `UNAUTHENTICATED` `getAuthUser` throws for a revoked session;
 * - a mutation or action only when, in addition, Convex answered HTTP 401
 *   on this attempt, which it does only when it refused the token before
 *   running anything. An error thrown by a mutation that ran (it may have
 *   written) is rethrown untouched.
 *
 * Fresh tokens are never retried, and every other error is rethrown as is.
 *
 * @example
 * ```ts
 * const user = await callWithConvexToken(
 *   (options) => getToken(headers, options),
 *   ({ token, fetch }) => new ConvexHttpClient(convexUrl, { fetch, auth: token }).query(api.users.me, {}),
 *   { kind: "query", isAuthError: isConvexAuthError },
 * );
 * ```
 */
export async function callWithConvexToken<T>(
  getToken: (options: { forceRefresh: boolean }) => Promise<ConvexTokenResult | undefined>,
  call: (attempt: ConvexCallAttempt) => Promise<T>,
  options: CallWithConvexTokenOptions,
): Promise<T> {
  const first = await getToken({ forceRefresh: false });
  let refused = false;
  const tracking: typeof fetch = async (input, init) => {
    const response = await (options.fetch ?? fetch)(input, init);
    if (response.status === TOKEN_REFUSED_STATUS) refused = true;
    return response;
  };
  try {
    return await call({ token: first?.token, fetch: tracking });
  } catch (error) {
    options.rethrow?.(error);
    if (first?.source !== "cookie" || !options.isAuthError(error)) throw error;
    if (options.kind !== "query" && !refused) throw error;
  }
  const fresh = await getToken({ forceRefresh: true });
  return call({ token: fresh?.token, fetch: options.fetch ?? ((input, init) => fetch(input, init)) });
}
