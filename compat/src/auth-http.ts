/**
 * Better Auth's HTTP routes as the app's browser client reaches them (through
 * its `/api/auth` proxy): straight to the deployment's site port, with the
 * `Origin` Better Auth trusts (`SITE_URL`) on POSTs. Every answer is kept
 * whole (status and body) so a failed check can say exactly what came back.
 */

/** The app's public URL: `SITE_URL` on the deployment, the Origin of browser requests. */
export const SITE_URL = "http://localhost:3000";
export const PASSWORD = "correct horse battery staple";
const REQUEST_TIMEOUT_MS = 30_000;

export type HttpAnswer = {
  request: string;
  status: number;
  body: string;
  /** `name=value` of every Set-Cookie. */
  cookies: string[];
};

/** `better-auth.session_token=<signed token>` from an answer, if it set one. */
export function sessionCookieOf(answer: HttpAnswer): string | undefined {
  return answer.cookies.find((pair) => /^(__Secure-)?better-auth\.session_token=./.test(pair));
}

/** The answer's JSON body; throws with the whole answer when it is not a 200 with JSON. */
export function json<T>(answer: HttpAnswer): T {
  if (answer.status !== 200) throw new Error(`${answer.request} answered ${answer.status}: ${answer.body}`);
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    throw new Error(`${answer.request} answered 200 with a body that is not JSON: ${answer.body}`);
  }
}

async function call(
  siteUrl: string,
  method: "GET" | "POST",
  path: string,
  options: { cookie?: string; body?: unknown },
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { origin: SITE_URL };
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const request = `${method} ${path}`;
  const response = await fetch(`${siteUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: "manual",
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return {
    request,
    status: response.status,
    body: await response.text(),
    cookies: response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!),
  };
}

export type AuthUserBody = { user: { id: string; email: string; name: string; [field: string]: unknown } };

/** `POST /api/auth/sign-up/email`; `extra` carries additional user fields (e.g. `bio`). */
export function signUp(siteUrl: string, email: string, extra: Record<string, unknown> = {}): Promise<HttpAnswer> {
  return call(siteUrl, "POST", "/api/auth/sign-up/email", {
    body: { name: "Compat User", email, password: PASSWORD, ...extra },
  });
}

/** `POST /api/auth/sign-in/email`. */
export function signIn(siteUrl: string, email: string, password = PASSWORD): Promise<HttpAnswer> {
  return call(siteUrl, "POST", "/api/auth/sign-in/email", { body: { email, password } });
}

export type SessionBody = {
  session: { id: string; userId: string; token: string };
  user: { id: string; email: string };
} | null;

/** `GET /api/auth/get-session` with a session cookie. */
export function getSession(siteUrl: string, cookie: string): Promise<HttpAnswer> {
  return call(siteUrl, "GET", "/api/auth/get-session", { cookie });
}

/** `GET /api/auth/convex/token` with a session cookie: `{ token }`. */
export function getConvexToken(siteUrl: string, cookie: string): Promise<HttpAnswer> {
  return call(siteUrl, "GET", "/api/auth/convex/token", { cookie });
}
