/**
 * Better Auth's HTTP routes on the deployment's site port, as the guide's
 * client reaches them through the app's `/api/auth` proxy: POSTs carry the
 * Origin Better Auth trusts (`SITE_URL`). Every request is bounded and every
 * unexpected answer is reported whole.
 */
import { randomBytes } from "node:crypto";

/** The app's public URL: `SITE_URL` on the deployment, the Origin of browser requests. */
export const SITE_URL = "http://localhost:3000";
const REQUEST_TIMEOUT_MS = 30_000;

export type SignedUp = { userId: string; email: string; sessionCookie: string };

/**
 * `POST /api/auth/sign-up/email` for a new user; returns its id and session cookie.
 *
 * @example
 * const user = await signUp(server.siteUrl);
 */
export async function signUp(siteUrl: string): Promise<SignedUp> {
  const email = `tarball-${randomBytes(4).toString("hex")}@example.com`;
  const response = await fetch(`${siteUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: SITE_URL },
    body: JSON.stringify({ name: "Tarball User", email, password: "correct horse battery staple" }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /api/auth/sign-up/email answered ${response.status}: ${text}`);
  const body = JSON.parse(text) as { user?: { id?: unknown; email?: unknown } };
  if (typeof body.user?.id !== "string" || body.user.email !== email)
    throw new Error(`POST /api/auth/sign-up/email answered an unexpected body: ${text}`);
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!);
  const sessionCookie = cookies.find((pair) => /^(__Secure-)?better-auth\.session_token=./.test(pair));
  if (sessionCookie === undefined)
    throw new Error(`sign-up set no session cookie (Set-Cookie: ${cookies.join(" | ")})`);
  return { userId: body.user.id, email, sessionCookie };
}

/**
 * `GET /api/auth/convex/token` with the session cookie: the JWT the client hands Convex.
 *
 * @example
 * const token = await convexToken(server.siteUrl, user.sessionCookie);
 */
export async function convexToken(siteUrl: string, sessionCookie: string): Promise<string> {
  const response = await fetch(`${siteUrl}/api/auth/convex/token`, {
    headers: { cookie: sessionCookie },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /api/auth/convex/token answered ${response.status}: ${text}`);
  const { token } = JSON.parse(text) as { token?: unknown };
  if (typeof token !== "string" || token.split(".").length !== 3)
    throw new Error(`GET /api/auth/convex/token answered no JWT: ${text}`);
  return token;
}
