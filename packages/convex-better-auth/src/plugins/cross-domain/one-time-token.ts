import type { BetterAuthPlugin, Session, User } from "better-auth";
import { APIError, createAuthEndpoint, createAuthMiddleware, type AuthEndpoint } from "better-auth/api";
import { setSessionCookie } from "better-auth/cookies";
import { generateRandomString } from "better-auth/crypto";
import { isExpoNative } from "./callback-urls.js";
import { CROSS_DOMAIN_ERROR_CODES } from "./error-codes.js";
import { ONE_TIME_TOKEN_PARAM } from "./headers.js";
import type { SiteUrls } from "./site-urls.js";

type AfterHook = NonNullable<NonNullable<BetterAuthPlugin["hooks"]>["after"]>[number];

/** Lifetime of a one-time token: long enough for a page load, short enough to be useless in a log. */
const ONE_TIME_TOKEN_TTL_MS = 3 * 60 * 1000;

/**
 * The verification identifier of a one-time token, the one Better Auth's
 * `oneTimeToken()` plugin uses, so tokens in flight survive a switch from
 * the prior art.
 */
const identifierOf = (token: string) => `one-time-token:${token}`;

/**
 * Redirects that end a sign-in the browser made by navigating to the Convex
 * site: OAuth callbacks (`/callback/:id`, social and generic OAuth in Better
 * Auth 1.7), magic links and email verification with auto sign-in. The
 * session cookie they set stays on the Convex site's domain, out of the
 * app's reach.
 */
function isRedirectSignIn(path: string | undefined): boolean {
  return (
    path !== undefined && (path.startsWith("/callback/") || path === "/magic-link/verify" || path === "/verify-email")
  );
}

/**
 * The after-hook that hands a redirect sign-in over to the site: when the
 * endpoint created a session and redirects to a trusted http(s) page, the
 * redirect gets `?ott=<token>`, a one-time token (3 minutes) for that
 * session, which `ConvexBetterAuthProvider` exchanges on page load.
 *
 * App-scheme redirects (native apps) and redirects without a new session
 * (errors, account linking) are left alone.
 *
 * @example
 * ```ts
 * const plugin = { id: "cross-domain", hooks: { after: [createOneTimeTokenRedirectHook(getSites)] } };
 * ```
 */
export function createOneTimeTokenRedirectHook(getSites: () => SiteUrls): AfterHook {
  return {
    matcher: (ctx) => isRedirectSignIn(ctx.path) && !isExpoNative(ctx),
    handler: createAuthMiddleware(async (ctx) => {
      const session = ctx.context.newSession;
      const location = ctx.context.responseHeaders?.get("location");
      if (!session || !location) return;
      let target: URL;
      try {
        target = new URL(location, getSites().urls[0]);
      } catch {
        return;
      }
      if (target.protocol !== "http:" && target.protocol !== "https:") return;
      if (!getSites().origins.includes(target.origin) && !ctx.context.isTrustedOrigin(target.href)) return;
      const token = generateRandomString(32);
      await ctx.context.internalAdapter.createVerificationValue({
        value: session.session.token,
        identifier: identifierOf(token),
        expiresAt: new Date(Date.now() + ONE_TIME_TOKEN_TTL_MS),
      });
      target.searchParams.set(ONE_TIME_TOKEN_PARAM, token);
      throw ctx.redirect(target.href);
    }),
  };
}

type TokenBody = { token: string };

/**
 * `{ token: string }` as a Standard Schema, which is all Better Auth needs to
 * validate the body and type `authClient.crossDomain.oneTimeToken.verify`.
 */
const tokenBody = {
  "~standard": {
    version: 1,
    vendor: "convex-better-auth",
    validate: (value: unknown) =>
      typeof value === "object" && value !== null && typeof (value as { token?: unknown }).token === "string"
        ? { value: { token: (value as TokenBody).token } }
        : { issues: [{ message: "Expected { token: string }", path: ["token"] }] },
    types: undefined as unknown as { input: TokenBody; output: TokenBody },
  },
} as const;

const VERIFY_ENDPOINT_OPTIONS = {
  method: "POST" as const,
  body: tokenBody,
  metadata: {
    openapi: {
      description: "Exchange a one-time token from a redirect (`?ott=`) for the session it stands for",
      requestBody: {
        content: {
          "application/json": {
            schema: { type: "object" as const, properties: { token: { type: "string" } }, required: ["token"] },
          },
        },
      },
      responses: {
        "200": { description: "The session and its user; the session cookie is set" },
        "400": { description: "Invalid or used token, or the session is gone or expired" },
      },
    },
  },
};

/** What the verify endpoint answers: Better Auth's session and user. */
type VerifiedSession = { session: Session & Record<string, any>; user: User & Record<string, any> };

/**
 * `POST /cross-domain/one-time-token/verify` `{ token }`: consumes a
 * one-time token (once; a second use is `INVALID_TOKEN`), and answers
 * `{ session, user }` with the session cookie set — which the cross-domain
 * client receives in `Set-Better-Auth-Cookie` and stores. An expired session
 * is refused before any cookie is set.
 *
 * @example
 * ```ts
 * const { data } = await authClient.crossDomain.oneTimeToken.verify({ token });
 * ```
 */
export function createVerifyOneTimeTokenEndpoint(): AuthEndpoint<
  "/cross-domain/one-time-token/verify",
  typeof VERIFY_ENDPOINT_OPTIONS,
  VerifiedSession
> {
  return createAuthEndpoint("/cross-domain/one-time-token/verify", VERIFY_ENDPOINT_OPTIONS, async (ctx) => {
    const verification = await ctx.context.internalAdapter.consumeVerificationValue(identifierOf(ctx.body.token));
    if (!verification) throw APIError.from("BAD_REQUEST", CROSS_DOMAIN_ERROR_CODES.INVALID_TOKEN);
    const session = await ctx.context.internalAdapter.findSession(verification.value);
    if (!session) throw APIError.from("BAD_REQUEST", CROSS_DOMAIN_ERROR_CODES.SESSION_NOT_FOUND);
    if (new Date(session.session.expiresAt).getTime() <= Date.now()) {
      throw APIError.from("BAD_REQUEST", CROSS_DOMAIN_ERROR_CODES.SESSION_EXPIRED);
    }
    await setSessionCookie(ctx, session);
    return ctx.json(session as VerifiedSession);
  });
}
