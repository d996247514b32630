/**
 * A server-rendered page of the guide's Next.js app, as a signed-in browser
 * loads it: `GET /` (the example's protected dashboard: `isAuthenticated()`,
 * then `preloadAuthQuery(api.auth.getCurrentUser)`, under a layout that
 * calls `getToken()`) with the cookies the sign-in left, the session cookie
 * and `convex_jwt`. Timed up to the end of the HTML.
 *
 * Outside the timed span, each answer must be a 200 whose HTML holds the
 * user the preloaded query returned, and the requests the Next.js server
 * sent during the render are read from its request log: how many went to
 * `/convex/token` is what `jwtCache` saves.
 */
import { readFileSync } from "node:fs";
import { SITE_URL } from "../engine/bench-env.ts";
import type { NextServer } from "./next-server.ts";
import type { SignedUpUser } from "./sign-up.ts";
import { BENCH_PASSWORD } from "./sign-up.ts";
import type { E2eProbe } from "./time-probes.ts";

const SESSION_COOKIE = /^(__Secure-)?better-auth\.session_token$/;
const JWT_COOKIE = /^(__Secure-)?better-auth\.convex_jwt$/;
const TOKEN_PATH = /\/convex\/token$/;
/** Refresh `convex_jwt` (untimed) when it has less than this left: Next ignores a cookie within 60 s of `exp`. */
const JWT_REFRESH_SECONDS = 300;

/** What a render made the Next.js server send, per timed render. */
export type SsrRequestCounts = {
  /** `GET …/convex/token` round trips, one entry per timed render. */
  tokenRoundTrips: number[];
  /** Every HTTP request the server sent, one entry per timed render. */
  requests: number[];
  /** `METHOD /path` → requests over all timed renders. */
  byPath: Record<string, number>;
};

type PageAnswer = { status: number; body: string; location: string | null };

function cookiePairs(response: Response): [string, string][] {
  return response.headers.getSetCookie().map((cookie) => {
    const pair = cookie.split(";")[0]!;
    const eq = pair.indexOf("=");
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  });
}

function jwtSecondsLeft(jwt: string): number {
  const payload = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as { exp?: number };
  return (payload.exp ?? 0) - Date.now() / 1000;
}

/**
 * Signs `user` in through the app's own `/api/auth` route (the example's
 * proxy to Convex), as the sign-in form does, and returns the cookies the
 * answer set: the session cookie and `convex_jwt`.
 *
 * @example
 * const cookies = await signInThroughNext(next, app.user);
 */
export async function signInThroughNext(next: NextServer, user: SignedUpUser): Promise<Map<string, string>> {
  const response = await fetch(`${next.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: SITE_URL },
    body: JSON.stringify({ email: user.email, password: BENCH_PASSWORD }),
  });
  const body = await response.text();
  if (response.status !== 200)
    throw new Error(`sign-in through Next.js answered ${response.status}: ${body.slice(0, 300)}`);
  const cookies = new Map(cookiePairs(response).filter(([, value]) => value !== ""));
  const names = [...cookies.keys()];
  if (!names.some((name) => SESSION_COOKIE.test(name)) || !names.some((name) => JWT_COOKIE.test(name))) {
    throw new Error(
      `sign-in through Next.js set ${names.join(", ") || "no cookies"}; expected the session cookie and convex_jwt`,
    );
  }
  return cookies;
}

/**
 * Times `GET /` with `cookies` against `next`, checking each page and
 * counting the requests each render sent.
 *
 * @example
 * const probe = ssrPageProbe(next, app.user, await signInThroughNext(next, app.user));
 */
export function ssrPageProbe(
  next: NextServer,
  user: SignedUpUser,
  cookies: Map<string, string>,
): E2eProbe & { startTimedRuns(): void; counts(): SsrRequestCounts } {
  const cookieHeader = () => [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  const counts: SsrRequestCounts = { tokenRoundTrips: [], requests: [], byPath: {} };
  let timed = false;
  let logOffset = 0;
  const readLog = () => readFileSync(next.requestLog, "utf8");

  async function refreshJwtCookie(): Promise<void> {
    const name = [...cookies.keys()].find((n) => JWT_COOKIE.test(n))!;
    if (jwtSecondsLeft(cookies.get(name)!) > JWT_REFRESH_SECONDS) return;
    const response = await fetch(`${next.url}/api/auth/convex/token`, { headers: { cookie: cookieHeader() } });
    const body = (await response.json()) as { token?: string };
    const fresh = cookiePairs(response).find(([n]) => JWT_COOKIE.test(n))?.[1] ?? body.token;
    if (response.status !== 200 || !fresh)
      throw new Error(`refreshing convex_jwt through Next.js answered ${response.status}`);
    cookies.set(name, fresh);
  }

  return {
    async settle() {
      await refreshJwtCookie();
      // Only what the render sends counts, not the refresh above.
      logOffset = readLog().length;
    },
    async call(): Promise<PageAnswer> {
      const response = await fetch(`${next.url}/`, { headers: { cookie: cookieHeader() }, redirect: "manual" });
      return { status: response.status, body: await response.text(), location: response.headers.get("location") };
    },
    check(answer) {
      const page = answer as PageAnswer;
      if (page.status !== 200)
        throw new Error(
          `GET / answered ${page.status}${page.location ? ` → ${page.location}` : ""}: ${page.body.slice(0, 200)}`,
        );
      // The header shows the name; the preloaded query's answer, handed to the
      // client in the page, carries the email.
      if (!page.body.includes(user.name) || !page.body.includes(user.email)) {
        throw new Error(`GET / rendered without the signed-in user (${user.email}): ${page.body.slice(0, 300)}`);
      }
      const lines = readLog().slice(logOffset).split("\n").filter(Boolean);
      if (!timed) return;
      let tokens = 0;
      for (const line of lines) {
        const [method, url] = line.split(" ") as [string, string];
        const path = new URL(url).pathname;
        if (TOKEN_PATH.test(path)) tokens++;
        const key = `${method} ${path}`;
        counts.byPath[key] = (counts.byPath[key] ?? 0) + 1;
      }
      counts.tokenRoundTrips.push(tokens);
      counts.requests.push(lines.length);
    },
    startTimedRuns() {
      timed = true;
    },
    counts: () => counts,
  };
}
