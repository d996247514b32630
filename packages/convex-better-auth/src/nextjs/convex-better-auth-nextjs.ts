import type { Preloaded } from "convex/react";
import { getFunctionName, type FunctionReference, type OptionalRestArgs } from "convex/server";
import { convexToJson, type Value } from "convex/values";
import { unstable_rethrow } from "next/navigation";
import { cache } from "react";
import { createAuthRouteHandlers, type AuthRouteHandlers } from "../server-core/auth-route-handlers.js";
import { isConvexAuthError } from "../server-core/call-with-convex-token.js";
import { createConvexTokenGetter, type ConvexTokenResult } from "../server-core/convex-token-getter.js";
import {
  createAuthenticatedConvexCalls,
  type AuthenticatedConvexCalls,
} from "../server-core/authenticated-convex-calls.js";
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
 *   jwtCache: { expirationToleranceSeconds: 120 },
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
  /**
   * The request's Convex JWT, or undefined when signed out. Resolved once
   * per request: the verified `convex_jwt` cookie, else a fresh token.
   */
  getToken: () => Promise<string | undefined>;
  /**
   * Whether the request carries a Convex JWT (see `getToken`). With the
   * default `jwtCache`, a session revoked from another device still counts
   * until its cookie's JWT expires; Convex calls made with it get no user
   * (`getAuthUser` throws `UNAUTHENTICATED`).
   */
  isAuthenticated: () => Promise<boolean>;
  /** `preloadQuery` as the signed-in user, for `usePreloadedAuthQuery`. */
  preloadAuthQuery: <Query extends FunctionReference<"query">>(
    query: Query,
    ...args: OptionalRestArgs<Query>
  ) => Promise<Preloaded<Query>>;
} & AuthenticatedConvexCalls;

/**
 * Next.js (App Router) server helpers for Better Auth running in Convex: the
 * `/api/auth/*` proxy and authenticated Convex calls (`ConvexHttpClient`)
 * for server components, server actions and route handlers.
 *
 * The token is resolved once per request (React `cache`). By default
 * (`jwtCache`) it is the browser's `convex_jwt` cookie when its signature
 * verifies against the deployment's JWKS and it is not about to expire, so
 * a signed-in render makes no round trip for it; otherwise, or with
 * `jwtCache: { enabled: false }`, it comes from
 * `GET {convexSiteUrl}{basePath}/convex/token` with the request's cookies.
 * A query made with the cookie's token that fails with an auth error is
 * retried once with a fresh token (which then serves the rest of the
 * request); a mutation or action only when Convex refused the token before
 * running it, so none ever runs twice. Every Convex call goes to
 * `convexUrl` (not only `NEXT_PUBLIC_CONVEX_URL`). Next's `redirect()`,
 * `notFound()` and dynamic-rendering signals pass through untouched.
 *
 * `isAuthenticated()` and `getToken()` say whether the request carries a
 * token Convex will accept; whether its session is still live is decided
 * in Convex (`getAuthUser` checks the session on every call).
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
  const getter = createConvexTokenGetter(resolved, { fetch: noStoreFetch, rethrow: unstable_rethrow });
  // The request's token lookups, one Map per request through React's
  // per-request cache (no argument, so every call in a render hits).
  const requestTokens = cache((): Map<boolean, Promise<ConvexTokenResult | undefined>> => new Map());
  const getTokenResult = (forceRefresh: boolean): Promise<ConvexTokenResult | undefined> => {
    const tokens = requestTokens();
    // Once the cookie's token was not good enough in this request, the fresh
    // one answers every later lookup: no second refusal, and getToken()
    // agrees with what the calls used.
    const fresh = forceRefresh || tokens.has(true);
    let result = tokens.get(fresh);
    if (!result) {
      result = readNextRequestHeaders().then((incoming) => getter(incoming, { forceRefresh: fresh }));
      tokens.set(fresh, result);
    }
    return result;
  };
  const calls = createAuthenticatedConvexCalls({
    convexUrl: resolved.convexUrl,
    getToken: ({ forceRefresh }) => getTokenResult(forceRefresh),
    isAuthError: resolved.jwtCache.isAuthError ?? isConvexAuthError,
    rethrow: unstable_rethrow,
    // Per-user answers: kept out of Next's fetch cache, as convex/nextjs does.
    fetch: noStoreFetch,
  });

  const getToken = async () => (await getTokenResult(false))?.token;

  return {
    handler: createAuthRouteHandlers({ convexSiteUrl: resolved.convexSiteUrl, fetch: noStoreFetch }),
    getToken,
    isAuthenticated: async () => (await getToken()) !== undefined,
    // The payload convex/nextjs's preloadQuery builds, which
    // usePreloadedQuery decodes; built here so the query goes through the
    // retry rules above.
    preloadAuthQuery: async (query, ...args) => {
      const value = await calls.fetchAuthQuery(query, ...args);
      return {
        _name: getFunctionName(query),
        _argsJSON: convexToJson((args[0] ?? {}) as Value),
        _valueJSON: convexToJson(value as Value),
      } as unknown as Preloaded<typeof query>;
    },
    ...calls,
  };
}
