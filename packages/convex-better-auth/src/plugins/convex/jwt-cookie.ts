import type { AuthContext, GenericEndpointContext } from "better-auth";
import { splitSetCookieHeader } from "better-auth/cookies";

/**
 * Base name of the cookie holding the Convex JWT. The full name follows
 * Better Auth's cookie rules: `${cookiePrefix}.convex_jwt`, prefixed with
 * `__Secure-` when cookies are secure, or `advanced.cookies.convex_jwt.name`.
 *
 * @example
 * ```ts
 * const jwt = cookies.get(`better-auth.${JWT_COOKIE_NAME}`);
 * ```
 */
export const JWT_COOKIE_NAME = "convex_jwt";

/**
 * Name and attributes of the `convex_jwt` cookie for this Better Auth instance.
 *
 * @internal
 */
export type ConvexJwtCookie = ReturnType<AuthContext["createAuthCookie"]>;

/**
 * The `convex_jwt` cookie's name and attributes, built with Better Auth's
 * cookie helper so prefix, `__Secure-`, domain and per-cookie overrides
 * (`advanced.cookies.convex_jwt`) apply as for Better Auth's own cookies.
 *
 * @param authContext - `ctx.context`.
 * @param maxAge - Lifetime in seconds, normally the JWT lifetime.
 *
 * @example
 * ```ts
 * getConvexJwtCookie(ctx.context).name; // "better-auth.convex_jwt"
 * ```
 */
export function getConvexJwtCookie(authContext: AuthContext, maxAge?: number): ConvexJwtCookie {
  return authContext.createAuthCookie(JWT_COOKIE_NAME, maxAge === undefined ? {} : { maxAge });
}

/**
 * Set `convex_jwt` on the response (HttpOnly, SameSite=Lax, Path=/,
 * Max-Age = JWT lifetime).
 *
 * @example
 * ```ts
 * setConvexJwtCookie(ctx, token, 900);
 * ```
 */
export function setConvexJwtCookie(ctx: GenericEndpointContext, token: string, maxAge: number): void {
  const cookie = getConvexJwtCookie(ctx.context, maxAge);
  ctx.setCookie(cookie.name, token, cookie.attributes);
}

/**
 * Expire `convex_jwt` on the response (empty value, Max-Age=0).
 *
 * @example
 * ```ts
 * clearConvexJwtCookie(ctx);
 * ```
 */
export function clearConvexJwtCookie(ctx: GenericEndpointContext): void {
  const cookie = getConvexJwtCookie(ctx.context);
  ctx.setCookie(cookie.name, "", { ...cookie.attributes, maxAge: 0 });
}

/**
 * Serialise a `Set-Cookie` value outside an endpoint context (in
 * `onResponse`, where there is no `ctx.setCookie`). Mirrors the attribute
 * order Better Auth's cookie serialiser uses.
 *
 * @example
 * ```ts
 * const header = serializeConvexJwtCookie(getConvexJwtCookie(authContext, 900), token);
 * ```
 */
export function serializeConvexJwtCookie(cookie: ConvexJwtCookie, value: string): string {
  const { attributes } = cookie;
  const parts = [`${cookie.name}=${encodeURIComponent(value)}`];
  if (typeof attributes.maxAge === "number" && attributes.maxAge >= 0)
    parts.push(`Max-Age=${Math.floor(attributes.maxAge)}`);
  if (attributes.domain) parts.push(`Domain=${attributes.domain}`);
  if (attributes.path) parts.push(`Path=${attributes.path}`);
  if (attributes.expires) parts.push(`Expires=${attributes.expires.toUTCString()}`);
  if (attributes.httpOnly) parts.push("HttpOnly");
  const sameSite = attributes.sameSite?.toLowerCase();
  // Browsers drop SameSite=None cookies that are not Secure.
  if (attributes.secure || sameSite === "none" || cookie.name.startsWith("__Secure-")) parts.push("Secure");
  if (sameSite) parts.push(`SameSite=${sameSite.charAt(0).toUpperCase()}${sameSite.slice(1)}`);
  if (attributes.partitioned) parts.push("Partitioned");
  return parts.join("; ");
}

/**
 * How a response changes a cookie: set to a value, or deleted.
 *
 * @internal
 */
export type CookieChange = { kind: "set"; value: string } | { kind: "deleted" };

/**
 * Every `Set-Cookie` value of `headers`, in order.
 *
 * @example
 * ```ts
 * getSetCookies(response.headers).length;
 * ```
 */
export function getSetCookies(headers: Headers | undefined | null): string[] {
  if (!headers) return [];
  if (typeof headers.getSetCookie === "function") return headers.getSetCookie();
  const joined = headers.get("set-cookie");
  return joined ? splitSetCookieHeader(joined) : [];
}

/**
 * The name of the cookie a `Set-Cookie` value sets.
 *
 * @example
 * ```ts
 * setCookieName("a=1; Path=/"); // "a"
 * ```
 */
export function setCookieName(setCookie: string): string {
  const eq = setCookie.indexOf("=");
  return (eq === -1 ? setCookie : setCookie.slice(0, eq)).trim();
}

/**
 * Whether one `Set-Cookie` value sets or deletes its cookie. Deleted means an
 * empty value, `Max-Age` of zero or less, or an `Expires` in the past — the
 * three ways servers expire cookies.
 *
 * @example
 * ```ts
 * parseCookieChange("a=; Max-Age=0"); // { kind: "deleted" }
 * ```
 */
export function parseCookieChange(setCookie: string, now = Date.now()): CookieChange {
  const [pair = "", ...attributes] = setCookie.split(";");
  const eq = pair.indexOf("=");
  const rawValue = eq === -1 ? "" : pair.slice(eq + 1).trim();
  let value: string;
  try {
    value = decodeURIComponent(rawValue);
  } catch {
    value = rawValue;
  }
  if (value === "") return { kind: "deleted" };
  for (const attribute of attributes) {
    const [rawName = "", ...rest] = attribute.split("=");
    const name = rawName.trim().toLowerCase();
    const attributeValue = rest.join("=").trim();
    if (name === "max-age" && Number(attributeValue) <= 0) return { kind: "deleted" };
    if (name === "expires") {
      const expires = Date.parse(attributeValue);
      if (!Number.isNaN(expires) && expires <= now) return { kind: "deleted" };
    }
  }
  return { kind: "set", value };
}

/**
 * The last change `headers` make to the cookie called `name`, or undefined
 * when they leave it alone. The last entry wins, as it does in browsers.
 *
 * @example
 * ```ts
 * const change = findCookieChange(ctx.context.responseHeaders, ctx.context.authCookies.sessionToken.name);
 * ```
 */
export function findCookieChange(headers: Headers | undefined | null, name: string): CookieChange | undefined {
  let change: CookieChange | undefined;
  for (const setCookie of getSetCookies(headers)) {
    if (setCookieName(setCookie) === name) change = parseCookieChange(setCookie);
  }
  return change;
}

/**
 * The session token inside a signed session cookie value
 * (`<token>.<signature>`). The value comes from this server's own response,
 * so the signature needs no checking here; an unknown token simply finds no
 * session.
 *
 * @example
 * ```ts
 * sessionTokenFromCookieValue("abc.c2lnbmF0dXJl"); // "abc"
 * ```
 */
export function sessionTokenFromCookieValue(value: string): string {
  const dot = value.lastIndexOf(".");
  return dot > 0 ? value.slice(0, dot) : value;
}
