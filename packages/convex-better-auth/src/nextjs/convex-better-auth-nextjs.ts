import { fetchAction, fetchMutation, fetchQuery, preloadQuery } from "convex/nextjs";
import type { Preloaded } from "convex/react";
import type { FunctionReference, FunctionReturnType, OptionalRestArgs } from "convex/server";
import { unstable_rethrow } from "next/navigation";
import { cache } from "react";
import { createAuthRouteHandlers, type AuthRouteHandlers } from "../server-core/auth-route-handlers.js";
import { callWithConvexToken, isConvexAuthError } from "../server-core/call-with-convex-token.js";
import { createConvexTokenGetter, type ConvexTokenResult } from "../server-core/convex-token-getter.js";
import type { AuthenticatedConvexCalls } from "../server-core/authenticated-convex-calls.js";
import { resolveServerOptions, type ConvexBetterAuthServerOptions } from "../server-core/server-options.js";
import { readNextRequestHeaders } from "./read-next-request-headers.js";

// Answers are per user: keep them out of Next's fetch cache whatever the
// app's caching defaults. Read at call time so Next's patched fetch is used.
const noStoreFetch: typeof fetch = (input, init) => fetch(input, { ...init, cache: "no-store" });

/**
 * Options of {@link convexBetterAuthNextJs}.
 *
 * @example
 * ```ts
 * const options: ConvexBetterAuthNextJsOptions = {
 *   convexUrl: process.env.NEXT_PUBLIC_CONVEX_URL!,
 *   convexSiteUrl: process.env.NEXT_PUBLIC_CONVEX_SITE_URL!,
 *   jwtCache: { enabled: true },
 * };
 * ```
 */
export type ConvexBetterAuthNextJsOptions = ConvexBetterAuthServerOptions;

/**
 * The server helpers {@link convexBetterAuthNextJs} returns.
 *
 * @example
 * ```ts
 * export const { handler, getToken, fetchAuthQuery }: ConvexBetterAuthNextJs = convexBetterAuthNextJs(options);
 * ```
 */
export type ConvexBetterAuthNextJs = {
  /** Route handlers proxying `{basePath}/*` to Convex: `export const { GET, POST } = handler`. */
  handler: AuthRouteHandlers;
  /** The request's Convex JWT, or undefined when signed out. Cached per request. */
  getToken: () => Promise<string | undefined>;
  /** Whether the request has a session Convex would accept a token for. */
  isAuthenticated: () => Promise<boolean>;
  /** `preloadQuery` as the signed-in user, for `usePreloadedAuthQuery`. */
  preloadAuthQuery: <Query extends FunctionReference<"query">>(
    query: Query,
    ...args: OptionalRestArgs<Query>
  ) => Promise<Preloaded<Query>>;
} & AuthenticatedConvexCalls;

/**
 * Next.js (App Router) server helpers for Better Auth running in Convex: the
 * `/api/auth/*` proxy and authenticated `convex/nextjs` calls for server
 * components, server actions and route handlers.
 *
 * Tokens come from `GET {convexSiteUrl}{basePath}/convex/token` with the
 * request's cookies, once per request (React `cache`). With
 * `jwtCache.enabled`, the `convex_jwt` cookie is used instead when its
 * signature verifies against the deployment's JWKS and it is not expiring;
 * a call made with it that fails with an auth error is retried once with a
 * fresh token. Every Convex call goes to `convexUrl` (not only
 * `NEXT_PUBLIC_CONVEX_URL`). Next's `redirect()`, `notFound()` and
 * dynamic-rendering signals pass through untouched.
 *
 * @param options - Deployment URLs and the Better Auth settings to mirror.
 * @returns `{ handler, getToken, isAuthenticated, preloadAuthQuery, fetchAuthQuery, fetchAuthMutation, fetchAuthAction }`.
 * @throws ConvexBetterAuthFrameworkError `INVALID_CONVEX_SITE_URL` (empty,
 * or the `.convex.cloud` URL), `INVALID_CONVEX_URL` or `INVALID_BASE_PATH`.
 *
 * @example
 * ```ts
 * // src/lib/auth-server.ts
 * import { convexBetterAuthNextJs } from "convex-better-auth/nextjs";
 *
 * export const {
 *   handler,
 *   preloadAuthQuery,
 *   isAuthenticated,
 *   getToken,
 *   fetchAuthQuery,
 *   fetchAuthMutation,
 *   fetchAuthAction,
 * } = convexBetterAuthNextJs({
 *   convexUrl: process.env.NEXT_PUBLIC_CONVEX_URL!,
 *   convexSiteUrl: process.env.NEXT_PUBLIC_CONVEX_SITE_URL!,
 * });
 *
 * // app/api/auth/[...all]/route.ts
 * export const { GET, POST } = handler;
 * ```
 */
export function convexBetterAuthNextJs(options: ConvexBetterAuthNextJsOptions): ConvexBetterAuthNextJs {
  const resolved = resolveServerOptions(options);
  const url = resolved.convexUrl;
  const getter = createConvexTokenGetter(resolved, { fetch: noStoreFetch, rethrow: unstable_rethrow });
  // A boolean key, so React's per-request cache dedupes calls (objects would
  // be compared by identity and never hit).
  const getTokenResult = cache(
    async (forceRefresh: boolean): Promise<ConvexTokenResult | undefined> =>
      getter(await readNextRequestHeaders(), { forceRefresh }),
  );
  const retryOptions = {
    isAuthError: resolved.jwtCache.isAuthError ?? isConvexAuthError,
    rethrow: unstable_rethrow,
  };
  const withToken = <T>(call: (token: string | undefined) => Promise<T>): Promise<T> =>
    callWithConvexToken(({ forceRefresh }) => getTokenResult(forceRefresh), call, retryOptions);

  const getToken = async () => (await getTokenResult(false))?.token;

  return {
    handler: createAuthRouteHandlers({ convexSiteUrl: resolved.convexSiteUrl, fetch: noStoreFetch }),
    getToken,
    isAuthenticated: async () => (await getToken()) !== undefined,
    preloadAuthQuery: (query, ...args) =>
      withToken((token) => preloadQuery(query, args[0] ?? {}, { token, url }) as Promise<Preloaded<typeof query>>),
    fetchAuthQuery: (query, ...args) =>
      withToken((token) => fetchQuery(query, args[0] ?? {}, { token, url }) as Promise<FunctionReturnType<typeof query>>),
    fetchAuthMutation: (mutation, ...args) =>
      withToken(
        (token) => fetchMutation(mutation, args[0] ?? {}, { token, url }) as Promise<FunctionReturnType<typeof mutation>>,
      ),
    fetchAuthAction: (action, ...args) =>
      withToken((token) => fetchAction(action, args[0] ?? {}, { token, url }) as Promise<FunctionReturnType<typeof action>>),
  };
}
