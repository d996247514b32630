import { proxyAuthRequest, type ProxyAuthRequestOptions } from "./proxy-auth-request.js";

/**
 * A web-standard request handler.
 *
 * @example
 * ```ts
 * const handle: RequestHandler = async (request) => new Response(request.url);
 * ```
 */
export type RequestHandler = (request: Request) => Promise<Response>;

/**
 * One handler per HTTP method Better Auth routes use, in the shape framework
 * route files export (`export const { GET, POST } = handler`).
 *
 * @example
 * ```ts
 * export const { GET, POST, OPTIONS } = handler;
 * ```
 */
export type AuthRouteHandlers = {
  GET: RequestHandler;
  POST: RequestHandler;
  PUT: RequestHandler;
  PATCH: RequestHandler;
  DELETE: RequestHandler;
  OPTIONS: RequestHandler;
};

/**
 * The auth proxy bound to a deployment, once per method. Every method runs
 * the same proxy: Better Auth (and plugins such as passkeys or organization)
 * decide what each method means, and `OPTIONS` lets a CORS preflight reach
 * Convex.
 *
 * @example
 * ```ts
 * const handler = createAuthRouteHandlers({ convexSiteUrl });
 * const response = await handler.POST(request);
 * ```
 */
export function createAuthRouteHandlers(options: ProxyAuthRequestOptions): AuthRouteHandlers {
  const handle: RequestHandler = (request) => proxyAuthRequest(request, options);
  return { GET: handle, POST: handle, PUT: handle, PATCH: handle, DELETE: handle, OPTIONS: handle };
}
