import { cookies, headers } from "next/headers";
import { parseSetCookieHeader, toCookieOptions } from "better-auth/cookies";
import { handler } from "@/lib/auth-server";

/** What Better Auth answered, for a server action to act on. */
export type BetterAuthAnswer =
  | { ok: true; status: number; data: Record<string, unknown> | null }
  | { ok: false; status: number; code?: string; message?: string };

// The browser's request headers Better Auth uses: origin (CSRF check), the
// app's host and scheme (cookie and redirect URLs), the client's address
// and agent (rate limits, session metadata).
const FORWARDED = [
  "origin",
  "referer",
  "user-agent",
  "accept-language",
  "host",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-for",
  "x-real-ip",
];

/**
 * Calls a Better Auth endpoint from a server action, through the same
 * /api/auth proxy the browser uses, as the browser that sent the action:
 * its cookies go up, and the cookies Better Auth sets come back on the
 * action's response. This is how the forms work before hydration.
 */
export async function callBetterAuth(path: string, body: Record<string, unknown>): Promise<BetterAuthAnswer> {
  const [incoming, cookieStore] = await Promise.all([headers(), cookies()]);
  const outgoing = new Headers({ "content-type": "application/json", accept: "application/json" });
  for (const name of FORWARDED) {
    const value = incoming.get(name);
    if (value) outgoing.set(name, value);
  }
  const cookie = cookieStore
    .getAll()
    .map(({ name, value }) => `${name}=${encodeURIComponent(value)}`)
    .join("; ");
  if (cookie) outgoing.set("cookie", cookie);
  const host = incoming.get("x-forwarded-host") ?? incoming.get("host") ?? "localhost";
  const proto = incoming.get("x-forwarded-proto") ?? "http";

  const response = await handler.POST(
    new Request(`${proto}://${host}/api/auth${path}`, {
      method: "POST",
      headers: outgoing,
      body: JSON.stringify(body),
    }),
  );
  for (const setCookie of response.headers.getSetCookie()) {
    for (const [name, attributes] of parseSetCookieHeader(setCookie)) {
      cookieStore.set(name, decodeURIComponent(attributes.value), toCookieOptions(attributes));
    }
  }
  const data = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (response.ok) return { ok: true, status: response.status, data };
  return {
    ok: false,
    status: response.status,
    ...(typeof data?.code === "string" ? { code: data.code } : {}),
    ...(typeof data?.message === "string" ? { message: data.message } : {}),
  };
}

/** A message for the form: Better Auth's own for a 4xx, a generic one otherwise. */
export function describeFailure(answer: { status: number; message?: string }, fallback: string): string {
  if (answer.status < 500 && answer.message) return answer.message;
  return `${fallback} (the server answered ${answer.status}). Try again in a moment.`;
}
