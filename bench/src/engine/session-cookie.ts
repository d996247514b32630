/**
 * The Cookie header a browser holding session `token` sends. Better Auth
 * signs its session cookie the way better-call does: `token.` + base64
 * HMAC-SHA256(secret, token), URL-encoded. Computing it directly lets both
 * sides use their seeded sessions instead of sessions made by sign-ins.
 */
import { createHmac } from "node:crypto";
import { BETTER_AUTH_SECRET, SESSION_COOKIE } from "./bench-env.ts";

export function sessionCookieHeader(token: string): string {
  const signature = createHmac("sha256", BETTER_AUTH_SECRET).update(token).digest("base64");
  return `${SESSION_COOKIE}=${encodeURIComponent(`${token}.${signature}`)}`;
}
