/**
 * The cookie jar `crossDomainClient()` keeps in storage, as the JSON
 * `{ [name]: { value, expires } }` (`expires`: ISO date or null) — the
 * prior art's format, so stored sessions survive the switch.
 *
 * Values are kept exactly as the server sent them and sent back the same
 * way, like a browser does: no decoding, and a cookie's value is everything
 * after the first `=`, so signed values ending in base64 padding (`…==`)
 * stay whole.
 *
 * @see https://github.com/get-convex/better-auth/issues/352
 * @module
 */

/**
 * One stored cookie.
 *
 * @example
 * ```ts
 * const cookie: StoredCookie = { value: "abc.sig%3D", expires: "2030-01-01T00:00:00.000Z" };
 * ```
 */
export type StoredCookie = { value: string; expires: string | null };

type ParsedSetCookie = { name: string; value: string; expires: Date | null };

/**
 * Split a comma-joined `Set-Cookie` header into its cookies. A comma
 * separates two cookies only when what follows it up to the next `=` is a
 * cookie name; the comma inside `Expires=Wed, 21 Oct 2015 …` is not.
 */
function splitSetCookie(header: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < header.length; i++) {
    if (header[i] !== ",") continue;
    const rest = header.slice(i + 1);
    if (/^\s*[^\s=;,]+=/.test(rest)) {
      parts.push(header.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(header.slice(start));
  return parts.map((part) => part.trim()).filter(Boolean);
}

function parseOne(setCookie: string, now: number): ParsedSetCookie | undefined {
  const [pair = "", ...attributes] = setCookie.split(";");
  const eq = pair.indexOf("=");
  if (eq <= 0) return undefined;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  let maxAge: number | undefined;
  let expires: Date | null = null;
  for (const attribute of attributes) {
    const at = attribute.indexOf("=");
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const raw = at === -1 ? "" : attribute.slice(at + 1).trim();
    if (key === "max-age" && /^-?\d+$/.test(raw)) maxAge = Number(raw);
    else if (key === "expires") {
      const date = new Date(raw);
      if (!Number.isNaN(date.getTime())) expires = date;
    }
  }
  // Max-Age wins over Expires (RFC 6265 §5.3).
  if (maxAge !== undefined) expires = new Date(now + maxAge * 1000);
  return { name, value, expires };
}

function parseStored(json: string | null | undefined): Record<string, StoredCookie> {
  if (!json) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    const cookies: Record<string, StoredCookie> = {};
    for (const [name, cookie] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof cookie !== "object" || cookie === null) continue;
      const { value, expires } = cookie as { value?: unknown; expires?: unknown };
      if (typeof value !== "string") continue;
      cookies[name] = { value, expires: typeof expires === "string" ? expires : null };
    }
    return cookies;
  } catch {
    return {};
  }
}

function isLive(cookie: StoredCookie, now: number): boolean {
  return cookie.expires === null || new Date(cookie.expires).getTime() > now;
}

/**
 * Apply a `Set-Better-Auth-Cookie` header to a stored jar: set cookies are
 * added or replaced, expired ones (`Max-Age=0`, a past `Expires`) removed.
 *
 * @param header - The comma-joined `Set-Cookie` values.
 * @param prevCookie - The stored jar (JSON), if any.
 * @returns The new jar, as JSON.
 *
 * @example
 * ```ts
 * storage.setItem("better-auth_cookie", getSetCookie(response.headers.get("set-better-auth-cookie")!, storage.getItem("better-auth_cookie") ?? undefined));
 * ```
 */
export function getSetCookie(header: string, prevCookie?: string, now: number = Date.now()): string {
  const jar = parseStored(prevCookie);
  for (const setCookie of splitSetCookie(header)) {
    const cookie = parseOne(setCookie, now);
    if (!cookie) continue;
    if (cookie.expires !== null && cookie.expires.getTime() <= now) delete jar[cookie.name];
    else jar[cookie.name] = { value: cookie.value, expires: cookie.expires ? cookie.expires.toISOString() : null };
  }
  for (const [name, cookie] of Object.entries(jar)) if (!isLive(cookie, now)) delete jar[name];
  return JSON.stringify(jar);
}

/**
 * The `Cookie` header value (`a=1; b=2`) for a stored jar, leaving out
 * expired cookies. Invalid JSON is an empty jar.
 *
 * @example
 * ```ts
 * getCookie(storage.getItem("better-auth_cookie") ?? "{}"); // "better-auth.session_token=…"
 * ```
 */
export function getCookie(cookie: string, now: number = Date.now()): string {
  return Object.entries(parseStored(cookie))
    .filter(([, stored]) => isLive(stored, now))
    .map(([name, stored]) => `${name}=${stored.value}`)
    .join("; ");
}

/**
 * Whether a cookie name is Better Auth's session token, whatever its prefix
 * (`better-auth.session_token`, `__Secure-myapp.session_token`).
 *
 * @internal
 *
 * @example
 * ```ts
 * isSessionTokenCookie("__Secure-better-auth.session_token"); // true
 * ```
 */
export function isSessionTokenCookie(name: string): boolean {
  return /(^|\.)session_token$/.test(name);
}

/**
 * Cookies that only mean something together with a session, dropped when
 * the server says there is none. Everything else — the `two_factor`
 * challenge above all — stays for the flow that needs it.
 *
 * @see https://github.com/get-convex/better-auth/issues/325
 * @internal
 *
 * @example
 * ```ts
 * isSessionBoundCookie("better-auth.two_factor"); // false
 * ```
 */
export function isSessionBoundCookie(name: string): boolean {
  return /(^|\.)(session_token|session_data|dont_remember|convex_jwt)$/.test(name);
}

/**
 * The session token cookies a header sets or deletes, each with its new value
 * (`undefined` when deleted).
 *
 * @internal
 *
 * @example
 * ```ts
 * sessionTokenChanges("better-auth.session_token=; Max-Age=0"); // Map { "better-auth.session_token" => undefined }
 * ```
 */
export function sessionTokenChanges(header: string, now: number = Date.now()): Map<string, string | undefined> {
  const changes = new Map<string, string | undefined>();
  for (const setCookie of splitSetCookie(header)) {
    const cookie = parseOne(setCookie, now);
    if (!cookie || !isSessionTokenCookie(cookie.name)) continue;
    const deleted = cookie.expires !== null && cookie.expires.getTime() <= now;
    changes.set(cookie.name, deleted ? undefined : cookie.value);
  }
  return changes;
}

/**
 * A stored jar with the session-bound cookies removed (see
 * {@link isSessionBoundCookie}).
 *
 * @internal
 *
 * @example
 * ```ts
 * storage.setItem(key, withoutSessionCookies(storage.getItem(key)));
 * ```
 */
export function withoutSessionCookies(json: string | null | undefined): string {
  const jar = parseStored(json);
  for (const name of Object.keys(jar)) if (isSessionBoundCookie(name)) delete jar[name];
  return JSON.stringify(jar);
}

/**
 * The stored value of a cookie, or undefined.
 *
 * @internal
 *
 * @example
 * ```ts
 * storedValue(storage.getItem(key), "better-auth.session_token");
 * ```
 */
export function storedValue(json: string | null | undefined, name: string): string | undefined {
  return parseStored(json)[name]?.value;
}
