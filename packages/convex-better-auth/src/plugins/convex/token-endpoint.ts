import type { GenericEndpointContext } from "better-auth";
import { APIError, createAuthEndpoint, getSession, isAPIError, type AuthEndpoint } from "better-auth/api";
import { CONVEX_ERROR_CODES } from "./error-codes.js";
import { clearConvexJwtCookie, setConvexJwtCookie } from "./jwt-cookie.js";
import { mintConvexJwt } from "./mint-convex-jwt.js";
import type { ResolvedConvexOptions } from "./resolve-options.js";
import type { ConvexTokenSubject } from "./types.js";
import { jwksPrefetchOf } from "../../shared/jwks-prefetch.js";

type SessionRead = { response: ConvexTokenSubject | null; headers?: Headers | null };

/**
 * The caller's session, read from the database (cookie cache bypassed), or
 * null when there is none. Unlike `getSessionFromCtx`, which turns every
 * failure into "no session", a failing read (database down, deploy in
 * progress) is rethrown: answering 401 to a transient error makes clients
 * sign the user out.
 */
async function readSessionFromDatabase(ctx: GenericEndpointContext): Promise<ConvexTokenSubject | null> {
  // A before-hook may already have filled ctx.context.session from the
  // cookie cache; it must not stand in for the database read.
  ctx.context.session = null;
  let read: SessionRead;
  try {
    read = (await getSession()({
      ...ctx,
      method: "GET",
      asResponse: false,
      returnHeaders: true,
      returnStatus: false,
      headers: ctx.headers,
      query: { ...(ctx.query as Record<string, unknown> | undefined), disableCookieCache: true },
    } as never)) as unknown as SessionRead;
  } catch (error) {
    // get-session answers 401 when the session vanished mid-refresh.
    if (isAPIError(error) && error.statusCode === 401) return null;
    throw error;
  }
  // Forward what get-session put on the response: a refreshed or deleted
  // session cookie must reach the browser.
  read.headers?.forEach((value, key) => {
    const name = key.toLowerCase();
    if (name === "set-cookie") ctx.responseHeaders?.append(key, value);
    else if (name !== "cache-control" && name !== "pragma") ctx.responseHeaders?.set(key, value);
  });
  ctx.context.session = read.response;
  return read.response?.session ? read.response : null;
}

// Named, so the declared return type below can refer to it.
const TOKEN_ENDPOINT_OPTIONS = {
  method: "GET" as const,
  requireHeaders: true as const,
  metadata: {
    noStore: true,
    openapi: {
      operationId: "getConvexToken",
      description: "Get a Convex JWT for the current session",
      responses: {
        "200": {
          description: "A JWT Convex accepts for the current session",
          content: {
            "application/json": {
              schema: { type: "object" as const, properties: { token: { type: "string" } }, required: ["token"] },
            },
          },
        },
        "401": { description: "No valid session" },
      },
    },
  },
};

/**
 * `GET /convex/token`: a Convex JWT for the caller's session, as
 * `{ token }`, also set as the `convex_jwt` cookie. 401 (and `convex_jwt`
 * cleared) without a session; 500, with the cookie left alone, when the
 * session cannot be read.
 *
 * The session is always read from the database, never from Better Auth's
 * cookie cache: a cached session outlives its deletion by up to the cache's
 * max-age, and minting from it would keep issuing valid JWTs for a revoked or
 * rotated session.
 *
 * @see https://github.com/get-convex/better-auth/issues/434
 *
 * @example
 * ```ts
 * const { data } = await authClient.convex.token();
 * convexClient.setAuth(async () => data?.token ?? null);
 * ```
 */
export function createTokenEndpoint(
  resolved: ResolvedConvexOptions,
): AuthEndpoint<"/convex/token", typeof TOKEN_ENDPOINT_OPTIONS, { token: string }> {
  return createAuthEndpoint("/convex/token", TOKEN_ENDPOINT_OPTIONS, async (ctx) => {
    // With this library's adapter the signing keys come back with the
    // session lookup: one component call for the whole endpoint.
    if (!resolved.staticJwks) jwksPrefetchOf(ctx.context.adapter)?.request();
    const session = await readSessionFromDatabase(ctx);
    if (!session) {
      clearConvexJwtCookie(ctx);
      throw APIError.from("UNAUTHORIZED", CONVEX_ERROR_CODES.SESSION_REQUIRED);
    }
    const { token, expiresIn } = await mintConvexJwt(ctx.context, resolved, session);
    setConvexJwtCookie(ctx, token, expiresIn);
    return ctx.json({ token });
  });
}
