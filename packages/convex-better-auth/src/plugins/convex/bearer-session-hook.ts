import type { BetterAuthPlugin, HookEndpointContext } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import { parseCookies } from "better-auth/cookies";
import { makeSignature } from "better-auth/crypto";

function bearerToken(headers: Headers | undefined): string | undefined {
  const authorization = headers?.get("authorization");
  if (!authorization?.toLowerCase().startsWith("bearer ")) return undefined;
  const token = authorization.slice("bearer ".length).trim();
  return token === "" ? undefined : token;
}

/**
 * A before-hook that lets in-process `auth.api.*` calls authenticate with
 * `Authorization: Bearer <session token>`, the header the component client's
 * `getHeaders(ctx)` builds from the caller's Convex identity. Convex
 * functions have no browser cookies, so without this `auth.api.*` would see
 * every call as signed out.
 *
 * The header becomes a signed session cookie on the call's request headers,
 * and only when the call carries no `Request`: HTTP requests still need the
 * real cookie, so a leaked session token does not become an HTTP credential.
 * An existing session cookie always wins.
 *
 * @example
 * ```ts
 * const { auth, headers } = await authComponent.getAuth(createAuth, ctx);
 * await auth.api.changePassword({ body, headers }); // headers: { authorization: "Bearer <token>" }
 * ```
 */
export function createBearerSessionHook(): NonNullable<NonNullable<BetterAuthPlugin["hooks"]>["before"]>[number] {
  return {
    matcher: (context: HookEndpointContext) => !context.request && bearerToken(context.headers) !== undefined,
    handler: createAuthMiddleware(async (ctx) => {
      const token = bearerToken(ctx.headers);
      if (!token) return;
      const name = ctx.context.authCookies.sessionToken.name;
      const existing = ctx.headers?.get("cookie") ?? "";
      if (existing && parseCookies(existing).has(name)) return;
      // Signed exactly as Better Auth signs the session cookie, so
      // getSignedCookie accepts it; a wrong token simply finds no session.
      const signature = await makeSignature(token, ctx.context.secret);
      const headers = new Headers(ctx.headers);
      headers.set(
        "cookie",
        [existing, `${name}=${encodeURIComponent(`${token}.${signature}`)}`].filter(Boolean).join("; "),
      );
      return { context: { headers } };
    }),
  };
}
