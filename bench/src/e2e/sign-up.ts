/**
 * The one user every end-to-end run acts as: signed up over HTTP on the
 * deployment's site port, the way the guide's `authClient.signUp.email`
 * reaches it through the app's `/api/auth` proxy. Only the session cookie is
 * kept: it is what a browser sends to `/convex/token` to get a JWT.
 */
import { randomBytes } from "node:crypto";

/** The password every end-to-end user signs up (and in) with. */
export const BENCH_PASSWORD = "correct horse battery staple";

export type SignedUpUser = {
  /** Better Auth's user id: the JWT's `sub` and the `id` (ours) or `_id` (prior art) of `getCurrentUser`. */
  userId: string;
  email: string;
  name: string;
  /** `better-auth.session_token=<signed token>`, ready for a Cookie header. */
  sessionCookie: string;
};

/**
 * POSTs `/api/auth/sign-up/email` with the `Origin` Better Auth trusts
 * (`SITE_URL`) and returns the user and its session cookie.
 *
 * @example
 * const user = await signUpUser("http://127.0.0.1:3211", "http://localhost:3000");
 */
export async function signUpUser(siteUrl: string, origin: string): Promise<SignedUpUser> {
  const email = `bench-${randomBytes(4).toString("hex")}@example.com`;
  const name = "Bench User";
  const response = await fetch(`${siteUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ name, email, password: BENCH_PASSWORD }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`sign-up answered ${response.status}: ${text}`);
  const body = JSON.parse(text) as { user?: { id?: string; email?: string } };
  if (typeof body.user?.id !== "string" || body.user.email !== email)
    throw new Error(`sign-up answered an unexpected body: ${text}`);
  const sessionCookie = response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0]!)
    .find((pair) => /^(__Secure-)?better-auth\.session_token=/.test(pair));
  if (sessionCookie === undefined)
    throw new Error(`sign-up set no session cookie (Set-Cookie: ${response.headers.getSetCookie().join(" | ")})`);
  return { userId: body.user.id, email, name, sessionCookie };
}
