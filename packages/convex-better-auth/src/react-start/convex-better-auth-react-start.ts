import { getRequestHeaders } from "@tanstack/react-start/server";
import { proxyAuthRequest } from "../server-core/proxy-auth-request.js";
import { isConvexAuthError } from "../server-core/call-with-convex-token.js";
import { createConvexTokenGetter, type ConvexTokenResult } from "../server-core/convex-token-getter.js";
import {
  createAuthenticatedConvexCalls,
  type AuthenticatedConvexCalls,
} from "../server-core/authenticated-convex-calls.js";
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
 * token is resolved once per request and, by default (`jwtCache`), is the
 * browser's `convex_jwt` cookie when it verifies against the deployment's
 * JWKS, so SSR makes no `/convex/token` round trip; the retry rules are
 * those of `convexBetterAuthNextJs` (queries retried once with a fresh token
 * on an auth error, mutations and actions only when Convex refused the token
 * before running them). Each `fetchAuth*` call uses a new
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
  // request: one token lookup per request however many calls need it.
  const perRequest = new WeakMap<Headers, Map<boolean, Promise<ConvexTokenResult | undefined>>>();
  const getTokenResult = (forceRefresh: boolean): Promise<ConvexTokenResult | undefined> => {
    const incoming = getRequestHeaders() as unknown as Headers;
    let results = perRequest.get(incoming);
    if (!results) perRequest.set(incoming, (results = new Map<boolean, Promise<ConvexTokenResult | undefined>>()));
    // Once the cookie's token was not good enough in this request, the fresh
    // one answers every later lookup.
    const fresh = forceRefresh || results.has(true);
    let result = results.get(fresh);
    if (!result) results.set(fresh, (result = getter(incoming, { forceRefresh: fresh })));
    return result;
  };
  // No fetch `cache` option: Start also runs on runtimes that reject it, and
  // ConvexHttpClient only sends POSTs, which nothing caches.
  const calls = createAuthenticatedConvexCalls({
    convexUrl: resolved.convexUrl,
    getToken: ({ forceRefresh }) => getTokenResult(forceRefresh),
    isAuthError: resolved.jwtCache.isAuthError ?? isConvexAuthError,
  });

  return {
    getToken: async () => (await getTokenResult(false))?.token,
    handler: (request) => proxyAuthRequest(request, { convexSiteUrl: resolved.convexSiteUrl }),
    ...calls,
  };
}
