import { getRequestHeaders } from "@tanstack/react-start/server";
import { ConvexHttpClient } from "convex/browser";
import type { FunctionReference, FunctionReturnType, OptionalRestArgs } from "convex/server";
import { proxyAuthRequest } from "../server-core/proxy-auth-request.js";
import { callWithConvexToken, isConvexAuthError } from "../server-core/call-with-convex-token.js";
import { createConvexTokenGetter, type ConvexTokenResult } from "../server-core/convex-token-getter.js";
import type { AuthenticatedConvexCalls } from "../server-core/authenticated-convex-calls.js";
import { resolveServerOptions, type ConvexBetterAuthServerOptions } from "../server-core/server-options.js";

/**
 * Options of {@link convexBetterAuthReactStart}.
 *
 * @example
 * ```ts
 * const options: ConvexBetterAuthReactStartOptions = {
 *   convexUrl: process.env.VITE_CONVEX_URL!,
 *   convexSiteUrl: process.env.VITE_CONVEX_SITE_URL!,
 * };
 * ```
 */
export type ConvexBetterAuthReactStartOptions = ConvexBetterAuthServerOptions;

/**
 * The server helpers {@link convexBetterAuthReactStart} returns.
 *
 * @example
 * ```ts
 * export const { handler, getToken, fetchAuthQuery }: ConvexBetterAuthReactStart = convexBetterAuthReactStart(options);
 * ```
 */
export type ConvexBetterAuthReactStart = {
  /** The current request's Convex JWT, or undefined when signed out. */
  getToken: () => Promise<string | undefined>;
  /** Proxies one `{basePath}/*` request to Convex. */
  handler: (request: Request) => Promise<Response>;
} & AuthenticatedConvexCalls;

/**
 * TanStack Start server helpers for Better Auth running in Convex: the auth
 * proxy for a `/api/auth/$` server route and authenticated Convex calls for
 * server functions and loaders.
 *
 * Request headers come from `getRequestHeaders()`
 * (`@tanstack/react-start/server`), so these must run inside a request. The
 * token is fetched once per request; `jwtCache` behaves as in
 * `convexBetterAuthNextJs` (verified cookie only, one retry with a fresh
 * token on an auth error). Each `fetchAuth*` call uses a new
 * `ConvexHttpClient(convexUrl)` so tokens never leak between requests.
 *
 * @param options - Deployment URLs and the Better Auth settings to mirror.
 * @returns `{ getToken, handler, fetchAuthQuery, fetchAuthMutation, fetchAuthAction }`.
 * @throws ConvexBetterAuthFrameworkError `INVALID_CONVEX_SITE_URL`,
 * `INVALID_CONVEX_URL` or `INVALID_BASE_PATH`.
 *
 * @example
 * ```ts
 * // src/lib/auth-server.ts
 * export const { handler, getToken, fetchAuthQuery, fetchAuthMutation, fetchAuthAction } =
 *   convexBetterAuthReactStart({
 *     convexUrl: process.env.VITE_CONVEX_URL!,
 *     convexSiteUrl: process.env.VITE_CONVEX_SITE_URL!,
 *   });
 *
 * // src/routes/api/auth/$.ts
 * export const Route = createFileRoute("/api/auth/$")({
 *   server: { handlers: { GET: ({ request }) => handler(request), POST: ({ request }) => handler(request) } },
 * });
 * ```
 */
export function convexBetterAuthReactStart(options: ConvexBetterAuthReactStartOptions): ConvexBetterAuthReactStart {
  const resolved = resolveServerOptions(options);
  const getter = createConvexTokenGetter(resolved);
  // Keyed by the request's Headers object, which Start keeps for the whole
  // request: one token round trip per request however many calls need it.
  const perRequest = new WeakMap<Headers, Map<boolean, Promise<ConvexTokenResult | undefined>>>();
  const getTokenResult = (forceRefresh: boolean): Promise<ConvexTokenResult | undefined> => {
    const incoming = getRequestHeaders() as unknown as Headers;
    let results = perRequest.get(incoming);
    if (!results) perRequest.set(incoming, (results = new Map()));
    let result = results.get(forceRefresh);
    if (!result) results.set(forceRefresh, (result = getter(incoming, { forceRefresh })));
    return result;
  };
  const retryOptions = { isAuthError: resolved.jwtCache.isAuthError ?? isConvexAuthError };
  const withClient = <T>(call: (client: ConvexHttpClient) => Promise<T>): Promise<T> =>
    callWithConvexToken(
      ({ forceRefresh }) => getTokenResult(forceRefresh),
      (token) => {
        // No fetch `cache` option: Start also runs on runtimes that reject
        // it, and ConvexHttpClient only sends POSTs, which nothing caches.
        const client = new ConvexHttpClient(resolved.convexUrl);
        if (token) client.setAuth(token);
        return call(client);
      },
      retryOptions,
    );

  return {
    getToken: async () => (await getTokenResult(false))?.token,
    handler: (request) => proxyAuthRequest(request, { convexSiteUrl: resolved.convexSiteUrl }),
    fetchAuthQuery: (query, ...args) => withClient((client) => client.query(query, ...args)),
    fetchAuthMutation: (mutation, ...args) => withClient((client) => client.mutation(mutation, ...args)),
    fetchAuthAction: (action, ...args) => withClient((client) => client.action(action, ...args)),
  };
}
