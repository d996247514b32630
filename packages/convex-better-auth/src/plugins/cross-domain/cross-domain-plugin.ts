import type { AuthContext, BetterAuthPlugin } from "better-auth";
import { createCallbackUrlHook } from "./callback-urls.js";
import { createCookieExchange } from "./cookie-exchange.js";
import { CROSS_DOMAIN_ERROR_CODES } from "./error-codes.js";
import { createOneTimeTokenRedirectHook, createVerifyOneTimeTokenEndpoint } from "./one-time-token.js";
import { resolveSiteUrls, type SiteUrls } from "./site-urls.js";
import type { CrossDomainOptions } from "./types.js";

/**
 * The Better Auth plugin for an app whose pages are served from another
 * origin than the Convex site that serves Better Auth — a Vite/React SPA,
 * Expo Web. Pair it with `crossDomainClient()` on the client and
 * `registerRoutes(http, createAuth, { cors: true })`.
 *
 * - **Cookies in headers.** The browser cannot keep the Convex site's
 *   cookies for the app, so the client sends its stored cookies in
 *   `Better-Auth-Cookie` and the server answers `Set-Cookie` as
 *   `Set-Better-Auth-Cookie` — only for requests that sent
 *   `Better-Auth-Cookie`, never for native Expo ones (`expo-origin`).
 * - **Redirects land on the site.** `callbackURL` defaults to the site for
 *   social/OAuth sign-in, magic links and verification emails; relative
 *   `callbackURL`/`newUserCallbackURL`/`errorCallbackURL`/`redirectTo` become
 *   absolute on it.
 * - **One-time-token hand-off.** A sign-in that ends in a redirect from the
 *   Convex site (OAuth callback, magic link, email verification with auto
 *   sign-in) appends `?ott=<token>`; `ConvexBetterAuthProvider` exchanges it
 *   through `POST /cross-domain/one-time-token/verify` on page load.
 * - **Trust.** Every site URL is added to `trustedOrigins` (and to the CORS
 *   origins of `registerRoutes`). OAuth state is kept in the database and
 *   the state cookie check is skipped, since the provider's redirect reaches
 *   the Convex site without the app's cookies; the state itself is still
 *   verified.
 *
 * @param options - See {@link CrossDomainOptions}.
 * @returns The plugin, id `"cross-domain"`.
 * @throws BetterAuthError on the first request when `siteUrl` is missing or
 * not an absolute http(s) URL.
 *
 * @example
 * ```ts
 * // convex/auth.ts
 * import { betterAuth } from "better-auth/minimal";
 * import { convex, crossDomain } from "convex-better-auth/plugins";
 * import authConfig from "./auth.config";
 *
 * const siteUrl = process.env.SITE_URL!;
 *
 * export const createAuth = (ctx: GenericCtx<DataModel>) =>
 *   betterAuth({
 *     baseURL: process.env.CONVEX_SITE_URL,
 *     trustedOrigins: [siteUrl],
 *     database: authComponent.adapter(ctx),
 *     emailAndPassword: { enabled: true, requireEmailVerification: false },
 *     plugins: [crossDomain({ siteUrl }), convex({ authConfig })],
 *   });
 * ```
 */
export const crossDomain = (options: CrossDomainOptions) => {
  let sites: SiteUrls | undefined;
  const getSites = () => (sites ??= resolveSiteUrls(options.siteUrl));
  // The cookie exchange needs the plugin's own place in the plugin list.
  const self: { plugin?: BetterAuthPlugin } = {};
  const plugin = {
    id: "cross-domain",
    init(ctx: AuthContext) {
      const { origins } = getSites();
      return {
        options: { trustedOrigins: origins },
        context: {
          // Plugin trusted origins reach HTTP requests through the options;
          // in-process auth.api calls read the context's list.
          trustedOrigins: [...new Set([...ctx.trustedOrigins, ...origins])],
          oauthConfig: { storeStateStrategy: "database" as const, skipStateCookieCheck: true },
        },
      };
    },
    endpoints: {
      verifyCrossDomainOneTimeToken: createVerifyOneTimeTokenEndpoint(),
    },
    hooks: {
      before: [createCallbackUrlHook(getSites)],
      after: [createOneTimeTokenRedirectHook(getSites)],
    },
    ...createCookieExchange(() => self.plugin!),
    $ERROR_CODES: CROSS_DOMAIN_ERROR_CODES,
    options,
  } satisfies BetterAuthPlugin;
  self.plugin = plugin;
  return plugin;
};
