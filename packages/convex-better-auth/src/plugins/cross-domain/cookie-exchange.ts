import type { AuthContext, BetterAuthPlugin } from "better-auth";
import { getSetCookies } from "../convex/jwt-cookie.js";
import { BETTER_AUTH_COOKIE_HEADER, EXPO_ORIGIN_HEADER, SET_BETTER_AUTH_COOKIE_HEADER } from "./headers.js";

type OnRequest = NonNullable<BetterAuthPlugin["onRequest"]>;
type OnResponse = NonNullable<BetterAuthPlugin["onResponse"]>;

/**
 * How `crossDomain()` carries cookies for a site on another origin, whose
 * browser cannot store the Convex site's cookies: the client sends them in
 * `Better-Auth-Cookie` and stores what comes back in `Set-Better-Auth-Cookie`.
 *
 * Only requests that carry `Better-Auth-Cookie` (every request of
 * `crossDomainClient()`, even with nothing stored yet) are translated, and
 * never native Expo ones: a browser on the Convex site itself, an OAuth
 * provider's redirect, another plugin's same-site flow keep real cookies.
 *
 * The translation sits at the edges of the request, not in endpoint hooks:
 * every hook and endpoint sees the cookies, and every cookie any plugin's
 * after-hook sets (two-factor's `two_factor` cookie comes after the sign-in's
 * session cookie) reaches the client.
 *
 * @see https://github.com/get-convex/better-auth/issues/322
 * @see https://github.com/get-convex/better-auth/issues/173
 *
 * @example
 * ```ts
 * const { onRequest, onResponse }: CookieExchange = createCookieExchange(() => plugin);
 * ```
 */
export type CookieExchange = { onRequest: OnRequest; onResponse: OnResponse };

// Better Auth builds one context per HTTP request and hands that same object
// to every plugin's onRequest and onResponse; it marks the requests whose
// responses must be translated.
const translated = new WeakSet<AuthContext>();

function moveSetCookies(response: Response): Response {
  const setCookies = getSetCookies(response.headers);
  if (setCookies.length === 0) return response;
  const headers = new Headers();
  response.headers.forEach((value, key) => {
    if (key.toLowerCase() !== "set-cookie") headers.append(key, value);
  });
  // The format of a joined Set-Cookie header, which clients already parse
  // (commas inside Expires are told apart from separators).
  headers.set(SET_BETTER_AUTH_COOKIE_HEADER, setCookies.join(", "));
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * Build the cookie translation for the plugin object `self` (the plugin's
 * own place in the plugin list is needed to go last, see `onResponse`).
 *
 * @example
 * ```ts
 * const plugin = { id: "cross-domain", ...createCookieExchange(() => plugin) };
 * ```
 */
export function createCookieExchange(self: () => BetterAuthPlugin): CookieExchange {
  return {
    onRequest: async (request, authContext) => {
      const cookie = request.headers.get(BETTER_AUTH_COOKIE_HEADER);
      if (cookie === null || request.headers.has(EXPO_ORIGIN_HEADER)) return;
      translated.add(authContext);
      // An explicit Authorization header (an API key, a bearer token) decides
      // who the caller is; stored cookies must not override it.
      if (cookie.trim() === "" || request.headers.has("authorization")) return;
      const headers = new Headers(request.headers);
      const existing = headers.get("cookie");
      headers.set("cookie", existing ? `${existing}; ${cookie}` : cookie);
      return { request: new Request(request, { headers }) };
    },

    onResponse: async (response, authContext) => {
      if (!translated.has(authContext)) return;
      translated.delete(authContext);
      // Plugins after this one may still change Set-Cookie in their
      // onResponse (convex() re-binds convex_jwt after two-factor replaced
      // the session). Run them first, as the router would, then translate;
      // returning a response ends the router's loop, so none runs twice.
      const plugins = authContext.options.plugins ?? [];
      const own = plugins.indexOf(self());
      const index = own === -1 ? plugins.findIndex((plugin) => plugin.id === self().id) : own;
      let current = response;
      for (const plugin of plugins.slice(index + 1)) {
        if (!plugin.onResponse) continue;
        const result = await plugin.onResponse(current, authContext);
        if (result) {
          current = result.response;
          break;
        }
      }
      return { response: moveSetCookies(current) };
    },
  };
}
