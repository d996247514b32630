/**
 * Header names the `crossDomain()` server plugin and the
 * `crossDomainClient()` client plugin agree on. Kept free of server imports
 * so the client plugin can use them without pulling Better Auth's server code
 * into a browser bundle.
 *
 * @internal
 * @module
 */

/**
 * Request header carrying the client's stored cookies (`name=value; …`).
 *
 * @example
 * ```ts
 * headers.set(BETTER_AUTH_COOKIE_HEADER, getCookie(stored));
 * ```
 */
export const BETTER_AUTH_COOKIE_HEADER = "Better-Auth-Cookie";

/**
 * Response header carrying the `Set-Cookie` values, comma-joined, for the client to store.
 *
 * @example
 * ```ts
 * const header = response.headers.get(SET_BETTER_AUTH_COOKIE_HEADER);
 * ```
 */
export const SET_BETTER_AUTH_COOKIE_HEADER = "Set-Better-Auth-Cookie";

/**
 * Header `@better-auth/expo`'s client sends from native apps, which keep cookies themselves.
 *
 * @example
 * ```ts
 * if (request.headers.has(EXPO_ORIGIN_HEADER)) return;
 * ```
 */
export const EXPO_ORIGIN_HEADER = "expo-origin";

/**
 * Query parameter that carries the one-time token back to the site after a redirect.
 *
 * @example
 * ```ts
 * new URL(location.href).searchParams.get(ONE_TIME_TOKEN_PARAM);
 * ```
 */
export const ONE_TIME_TOKEN_PARAM = "ott";
