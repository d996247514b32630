import type { AuthContext, BetterAuthPlugin, HookEndpointContext } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import {
  clearConvexJwtCookie,
  findCookieChange,
  getConvexJwtCookie,
  getSetCookies,
  parseCookieChange,
  serializeConvexJwtCookie,
  sessionTokenFromCookieValue,
  setConvexJwtCookie,
  setCookieName,
  type CookieChange,
} from "./jwt-cookie.js";
import { mintConvexJwt } from "./mint-convex-jwt.js";
import type { ResolvedConvexOptions } from "./resolve-options.js";
import type { ConvexTokenSubject } from "./types.js";

/** Paths whose handlers manage `convex_jwt` themselves. */
const SELF_MANAGED_PATHS = new Set(["/convex/token", "/convex/jwks", "/convex/.well-known/openid-configuration"]);

type NewSession = AuthContext["newSession"];

/**
 * The session a freshly set session cookie points at. `newSession` is used
 * when it is that very session (no extra read); otherwise the token is looked
 * up, because the cookie, not whichever session an endpoint last touched, is
 * what the browser will present from now on.
 */
async function findCookieSession(
  authContext: AuthContext,
  cookieValue: string,
  newSession: NewSession | undefined,
): Promise<ConvexTokenSubject | undefined> {
  const token = sessionTokenFromCookieValue(cookieValue);
  if (newSession?.session?.token === token) return newSession as ConvexTokenSubject;
  const found = await authContext.internalAdapter.findSession(token);
  if (!found || new Date(found.session.expiresAt).getTime() <= Date.now()) return undefined;
  return found as ConvexTokenSubject;
}

/**
 * The `convex_jwt` Set-Cookie value that matches a session cookie change:
 * a JWT for the new session, or an expired cookie when the session ended or
 * no JWT can be minted (a stale JWT for the previous user is worse than none).
 */
async function jwtCookieFor(
  authContext: AuthContext,
  resolved: ResolvedConvexOptions,
  change: CookieChange,
  newSession: NewSession | undefined,
): Promise<{ token: string; maxAge: number } | undefined> {
  if (change.kind === "deleted") return undefined;
  try {
    // Failures never fail the request: the sign-in itself succeeded, and the
    // client can still get a token from /convex/token.
    const subject = await findCookieSession(authContext, change.value, newSession);
    if (!subject) return undefined;
    const minted = await mintConvexJwt(authContext, resolved, subject);
    return { token: minted.token, maxAge: minted.expiresIn };
  } catch (error) {
    authContext.logger.error(
      "[convex-better-auth] Could not mint a Convex JWT for the new session; clearing the convex_jwt cookie. " +
        "The client can still get a token from /convex/token.",
      error,
    );
    return undefined;
  }
}

/**
 * The after-hook that keeps the `convex_jwt` cookie bound to the session the
 * browser holds.
 *
 * It fires on any endpoint whose response sets or deletes Better Auth's
 * session cookie — every sign-in and sign-up method, verify-email with
 * auto sign-in, 2FA verification, magic link, email OTP, passkey, session
 * refresh, update-session, sign-out, revoke-session(s), delete-user, and any
 * plugin that calls `setSessionCookie`/`deleteSessionCookie` — with no path
 * list to fall out of date. A set cookie gets a JWT for the session it names
 * (preferring `ctx.context.newSession` when it is that session, never the
 * request's previous `ctx.context.session`); a deleted cookie clears
 * `convex_jwt`.
 *
 * @see https://github.com/get-convex/better-auth/issues/416 — verify-email
 * left the JWT bound to the previous user.
 *
 * @example
 * ```ts
 * const plugin = { id: "convex", hooks: { after: [createFollowSessionCookieHook(resolved)] } };
 * ```
 */
export function createFollowSessionCookieHook(
  resolved: ResolvedConvexOptions,
): NonNullable<NonNullable<BetterAuthPlugin["hooks"]>["after"]>[number] {
  return {
    matcher: (context: HookEndpointContext) =>
      !SELF_MANAGED_PATHS.has(context.path ?? "") &&
      findCookieChange(context.context.responseHeaders, context.context.authCookies.sessionToken.name) !== undefined,
    handler: createAuthMiddleware(async (ctx) => {
      const change = findCookieChange(ctx.context.responseHeaders, ctx.context.authCookies.sessionToken.name);
      if (!change) return;
      const cookie = await jwtCookieFor(ctx.context, resolved, change, ctx.context.newSession);
      if (cookie) setConvexJwtCookie(ctx, cookie.token, cookie.maxAge);
      else clearConvexJwtCookie(ctx);
    }),
  };
}

/**
 * A last pass over HTTP responses for plugins whose after-hooks run after
 * this one and change the session cookie again. Two-factor is the case that
 * matters: its hook deletes the session a password sign-in just created, and
 * without this pass the browser would keep a valid Convex JWT for a session
 * that never passed 2FA.
 *
 * Set-Cookie entries accumulate in hook order, so when the last session
 * cookie entry comes after the last `convex_jwt` entry, `convex_jwt` no
 * longer matches; it is then replaced (new JWT or cleared). Otherwise the
 * response is left untouched.
 *
 * @example
 * ```ts
 * const plugin = { id: "convex", onResponse: createFollowSessionCookieOnResponse(resolved) };
 * ```
 */
export function createFollowSessionCookieOnResponse(
  resolved: ResolvedConvexOptions,
): NonNullable<BetterAuthPlugin["onResponse"]> {
  return async (response, authContext) => {
    const setCookies = getSetCookies(response.headers);
    const sessionCookieName = authContext.authCookies.sessionToken.name;
    const jwtCookieName = getConvexJwtCookie(authContext).name;
    let lastSession = -1;
    let lastJwt = -1;
    setCookies.forEach((setCookie, index) => {
      const name = setCookieName(setCookie);
      if (name === sessionCookieName) lastSession = index;
      else if (name === jwtCookieName) lastJwt = index;
    });
    if (lastSession === -1 || lastSession < lastJwt) return;

    const change = parseCookieChange(setCookies[lastSession] ?? "");
    const minted = await jwtCookieFor(authContext, resolved, change, undefined);
    const replacement = minted
      ? serializeConvexJwtCookie(getConvexJwtCookie(authContext, minted.maxAge), minted.token)
      : serializeConvexJwtCookie(getConvexJwtCookie(authContext, 0), "");

    const kept = setCookies.filter((setCookie) => setCookieName(setCookie) !== jwtCookieName);
    try {
      // In place, so that plugins after this one still get their onResponse
      // call: returning a new Response ends the router's onResponse loop.
      response.headers.delete("set-cookie");
      for (const setCookie of [...kept, replacement]) response.headers.append("set-cookie", setCookie);
      return;
    } catch {
      // Immutable headers (e.g. a Response from fetch or Response.redirect).
    }
    const headers = new Headers();
    response.headers.forEach((value, key) => {
      if (key.toLowerCase() !== "set-cookie") headers.append(key, value);
    });
    for (const setCookie of [...kept, replacement]) headers.append("set-cookie", setCookie);
    return {
      response: new Response(response.body, { status: response.status, statusText: response.statusText, headers }),
    };
  };
}
