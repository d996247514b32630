// Bare specifiers: Next aliases "next/headers" in every bundle it builds (the
// fully specified ".js" form loads the client build inside route handlers).
import { cookies, headers } from "next/headers";

/**
 * The current request's headers, with `Cookie` rebuilt from `cookies()`.
 *
 * `cookies()` rather than the raw `Cookie` header: in a server action or
 * route handler, cookies set earlier in the same request (a sign-in through
 * `auth.api` with `nextCookies()`) show up in `cookies()` but not in
 * `headers()`. Both calls are left to throw: Next.js uses them to detect
 * dynamic rendering.
 *
 * @internal
 *
 * @example
 * ```ts
 * const incoming = await readNextRequestHeaders();
 * incoming.get("cookie"); // "better-auth.session_token=…"
 * ```
 */
export async function readNextRequestHeaders(): Promise<Headers> {
  const [headerList, cookieStore] = await Promise.all([headers(), cookies()]);
  const incoming = new Headers(headerList);
  const cookie = cookieStore
    .getAll()
    .map(({ name, value }) => `${name}=${encodeURIComponent(value)}`)
    .join("; ");
  if (cookie) incoming.set("cookie", cookie);
  else incoming.delete("cookie");
  return incoming;
}
