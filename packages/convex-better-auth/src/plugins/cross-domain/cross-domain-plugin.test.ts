/**
 * `crossDomain()` on the bundled component, through the React guide's
 * `registerRoutes(http, createAuth, { cors: true })`, driven over HTTP the
 * way a SPA on http://localhost:5173 and its browser would.
 */
import { decodeJwt } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { getCookie, getSetCookie } from "../../client/plugins/cross-domain-client-cookies.js";
import {
  createSpaHarness,
  navigate,
  SPA_CONVEX_SITE,
  SPA_ORIGIN,
  type SpaHarness,
} from "../../test-utils/spa-harness.js";

const AUTH = `${SPA_CONVEX_SITE}/api/auth`;
const PASSWORD = "correct horse 1";

let harness: SpaHarness;
beforeEach(() => {
  harness = createSpaHarness();
});

/** The SPA's stored cookies, as crossDomainClient keeps them. */
class Jar {
  json = "{}";
  header(): string {
    return getCookie(this.json);
  }
  store(response: Response): void {
    const header = response.headers.get("set-better-auth-cookie");
    if (header) this.json = getSetCookie(header, this.json);
  }
  get(name: string): string | undefined {
    return (JSON.parse(this.json) as Record<string, { value: string }>)[name]?.value;
  }
}

async function spa(path: string, body?: unknown, jar?: Jar, headers: Record<string, string> = {}): Promise<Response> {
  const response = await harness.fetch(`${AUTH}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(jar ? { "better-auth-cookie": jar.header() } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  jar?.store(response);
  return response;
}

async function signUp(email: string, jar = new Jar()): Promise<Jar> {
  const response = await spa("/sign-up/email", { email, password: PASSWORD, name: email.split("@")[0] }, jar);
  expect(response.status).toBe(200);
  return jar;
}

async function sessionOf(jar: Jar) {
  const response = await spa("/get-session", undefined, jar);
  expect(response.status).toBe(200);
  return (await response.json()) as {
    session: { id: string; token: string };
    user: { id: string; email: string };
  } | null;
}

function ottOf(location: string | null): string {
  const token = new URL(location!).searchParams.get("ott");
  expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  return token!;
}

describe("cookies in headers", () => {
  it("answers Set-Cookie as Set-Better-Auth-Cookie and reads Better-Auth-Cookie as the cookie", async () => {
    const jar = new Jar();
    const response = await spa("/sign-up/email", { email: "ada@example.com", password: PASSWORD, name: "Ada" }, jar);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(jar.get("better-auth.session_token")).toBeTruthy();
    expect(jar.get("better-auth.convex_jwt")).toBeTruthy();
    const session = await sessionOf(jar);
    expect(session?.user.email).toBe("ada@example.com");
    expect(decodeJwt(jar.get("better-auth.convex_jwt")!).sessionId).toBe(session?.session.id);

    const token = await spa("/convex/token", undefined, jar);
    expect(token.status).toBe(200);
  });

  it("rewrites cookies only for requests that asked for it (#173): without Better-Auth-Cookie, Set-Cookie stays", async () => {
    const response = await spa("/sign-up/email", { email: "bo@example.com", password: PASSWORD, name: "Bo" });
    expect(response.headers.get("set-better-auth-cookie")).toBeNull();
    expect(response.headers.getSetCookie().some((c) => c.startsWith("better-auth.session_token="))).toBe(true);
  });

  it("skips native Expo requests (expo-origin): cookies are neither read from nor written to the headers", async () => {
    const jar = await signUp("cy@example.com");
    const response = await spa("/get-session", undefined, jar, { "expo-origin": "myapp://" });
    expect(await response.json()).toBeNull();
    const signIn = await spa("/sign-in/email", { email: "cy@example.com", password: PASSWORD }, new Jar(), {
      "expo-origin": "myapp://",
    });
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get("set-better-auth-cookie")).toBeNull();
    expect(signIn.headers.getSetCookie().some((c) => c.startsWith("better-auth.session_token="))).toBe(true);
  });

  it("lets an Authorization header decide who the caller is, not stored cookies", async () => {
    const jar = await signUp("dee@example.com");
    const response = await spa("/get-session", undefined, jar, { authorization: "Bearer not-a-session" });
    expect(await response.json()).toBeNull();
  });
});

describe("CORS for the SPA (registerRoutes cors: true)", () => {
  it("lets the site send Better-Auth-Cookie and read Set-Better-Auth-Cookie, with credentials", async () => {
    const preflight = await harness.t.fetch("/api/auth/sign-in/email", {
      method: "OPTIONS",
      headers: {
        origin: SPA_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "better-auth-cookie, content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(SPA_ORIGIN);
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("better-auth-cookie");
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");

    const jar = new Jar();
    const response = await spa("/sign-up/email", { email: "eve@example.com", password: PASSWORD, name: "Eve" }, jar);
    expect(response.headers.get("access-control-allow-origin")).toBe(SPA_ORIGIN);
    expect(response.headers.get("access-control-expose-headers")).toContain("Set-Better-Auth-Cookie");
  });

  it("does not allow other origins", async () => {
    const preflight = await harness.t.fetch("/api/auth/sign-in/email", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("OAuth callback → ?ott= → verify", () => {
  async function startOAuth(body: Record<string, unknown>): Promise<string> {
    const response = await spa("/sign-in/social", { provider: "idp", ...body }, new Jar());
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    return new URL(url).searchParams.get("state")!;
  }

  it("sends the browser back to the site with a one-time token that signs the SPA in once", async () => {
    const state = await startOAuth({});
    // The provider redirects the browser to the Convex site: no app cookies, no state cookie.
    const callback = await navigate(harness, `${AUTH}/callback/idp?code=fay@example.com&state=${state}`);
    expect(callback.status).toBe(302);
    const location = callback.headers.get("location")!;
    expect(location.startsWith(`${SPA_ORIGIN}/?ott=`)).toBe(true);
    const names = callback.headers.getSetCookie().map((c) => c.slice(0, c.indexOf("=")));
    expect(new Set(names).size, `each cookie set once: ${names.join(", ")}`).toBe(names.length);

    const jar = new Jar();
    const verified = await spa("/cross-domain/one-time-token/verify", { token: ottOf(location) }, jar);
    expect(verified.status).toBe(200);
    const body = (await verified.json()) as { session: { id: string }; user: { email: string } };
    expect(body.user.email).toBe("fay@example.com");
    expect((await sessionOf(jar))?.session.id).toBe(body.session.id);
    expect(decodeJwt(jar.get("better-auth.convex_jwt")!).sessionId).toBe(body.session.id);

    const again = await spa("/cross-domain/one-time-token/verify", { token: ottOf(location) }, new Jar());
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ code: "INVALID_TOKEN" });
  });

  it("makes relative callback URLs absolute on the site", async () => {
    const state = await startOAuth({ callbackURL: "/dashboard", newUserCallbackURL: "/welcome" });
    const callback = await navigate(harness, `${AUTH}/callback/idp?code=gus@example.com&state=${state}`);
    expect(callback.headers.get("location")).toMatch(new RegExp(`^${SPA_ORIGIN}/welcome\\?ott=`));
  });

  it("refuses a token whose session has expired, before setting any cookie", async () => {
    const state = await startOAuth({});
    const callback = await navigate(harness, `${AUTH}/callback/idp?code=hal@example.com&state=${state}`);
    const token = ottOf(callback.headers.get("location"));
    // convex-test runs code inside a component with runInComponent (untyped in 0.0.70).
    type Db = {
      query(table: string): { collect(): Promise<{ _id: string }[]> };
      patch(id: string, value: object): Promise<void>;
    };
    const t = harness.t as unknown as {
      runInComponent(path: string, fn: (ctx: { db: Db }) => Promise<void>): Promise<void>;
    };
    await t.runInComponent("betterAuth", async (ctx) => {
      for (const session of await ctx.db.query("session").collect()) {
        await ctx.db.patch(session._id, { expiresAt: Date.now() - 1000 });
      }
    });
    const jar = new Jar();
    const verified = await spa("/cross-domain/one-time-token/verify", { token }, jar);
    expect(verified.status).toBe(400);
    expect(await verified.json()).toMatchObject({ code: "SESSION_EXPIRED" });
    expect(jar.get("better-auth.session_token")).toBeUndefined();
  });
});

describe("redirects from emails land on the site", () => {
  it("magic link: callbackURL defaults to the site, and the link signs in through ?ott=", async () => {
    await signUp("ivy@example.com");
    expect((await spa("/sign-in/magic-link", { email: "ivy@example.com" }, new Jar())).status).toBe(200);
    expect(new URL(harness.outbox.magicLink!).searchParams.get("callbackURL")).toBe(SPA_ORIGIN);

    expect(
      (await spa("/sign-in/magic-link", { email: "ivy@example.com", callbackURL: "/inbox" }, new Jar())).status,
    ).toBe(200);
    expect(new URL(harness.outbox.magicLink!).searchParams.get("callbackURL")).toBe(`${SPA_ORIGIN}/inbox`);
    const visit = await navigate(harness, harness.outbox.magicLink!);
    expect(visit.status).toBe(302);
    const jar = new Jar();
    await spa("/cross-domain/one-time-token/verify", { token: ottOf(visit.headers.get("location")) }, jar);
    expect((await sessionOf(jar))?.user.email).toBe("ivy@example.com");
  });

  it("leaves absolute and protocol-relative callback URLs to Better Auth's origin check", async () => {
    await signUp("jo@example.com");
    // Not made "absolute on the site": "//evil.example/x" is another host, which Better Auth refuses.
    const foreign = await spa(
      "/sign-in/magic-link",
      { email: "jo@example.com", callbackURL: "//evil.example/x" },
      new Jar(),
    );
    expect(foreign.status).toBe(403);
    expect(harness.outbox.magicLink).toBeUndefined();
    const absolute = await spa(
      "/sign-in/magic-link",
      { email: "jo@example.com", callbackURL: `${SPA_ORIGIN}/a?b=1` },
      new Jar(),
    );
    expect(absolute.status).toBe(200);
    expect(new URL(harness.outbox.magicLink!).searchParams.get("callbackURL")).toBe(`${SPA_ORIGIN}/a?b=1`);
  });

  it("email verification with auto sign-in: the link's relative callbackURL goes to the site, with ?ott=", async () => {
    await signUp("kim@example.com");
    expect((await spa("/send-verification-email", { email: "kim@example.com" }, new Jar())).status).toBe(200);
    expect(new URL(harness.outbox.verificationUrl!).searchParams.get("callbackURL")).toBe(SPA_ORIGIN);

    // A link built with a relative callbackURL (as Better Auth does when none was given at sign-up).
    const link = new URL(harness.outbox.verificationUrl!);
    link.searchParams.set("callbackURL", "/verified");
    const visit = await navigate(harness, link.toString());
    expect(visit.status).toBe(302);
    const location = visit.headers.get("location")!;
    expect(location.startsWith(`${SPA_ORIGIN}/verified?ott=`)).toBe(true);
    const jar = new Jar();
    await spa("/cross-domain/one-time-token/verify", { token: ottOf(location) }, jar);
    const session = await sessionOf(jar);
    expect(session?.user.email).toBe("kim@example.com");
  });

  it("password reset: a relative redirectTo goes to the site", async () => {
    await signUp("lu@example.com");
    expect(
      (await spa("/request-password-reset", { email: "lu@example.com", redirectTo: "/reset" }, new Jar())).status,
    ).toBe(200);
    const link = new URL(harness.outbox.resetUrl!);
    expect(link.searchParams.get("callbackURL")).toBe(`${SPA_ORIGIN}/reset`);
    const visit = await navigate(harness, link.toString());
    expect(visit.headers.get("location")).toMatch(new RegExp(`^${SPA_ORIGIN}/reset\\?token=`));
  });
});

describe("two-factor across domains (#322, #352)", () => {
  it("delivers the signed two_factor cookie in Set-Better-Auth-Cookie and accepts it back", async () => {
    const jar = await signUp("max@example.com");
    expect((await spa("/two-factor/enable", { password: PASSWORD }, jar)).status).toBe(200);
    await spa("/sign-out", {}, jar);

    const fresh = new Jar();
    const signIn = await spa("/sign-in/email", { email: "max@example.com", password: PASSWORD }, fresh);
    expect(await signIn.json()).toMatchObject({ twoFactorRedirect: true });
    const twoFactor = fresh.get("better-auth.two_factor");
    expect(twoFactor, "two_factor reached the client").toBeTruthy();
    expect(fresh.get("better-auth.session_token")).toBeUndefined();
    expect(fresh.get("better-auth.convex_jwt")).toBeUndefined();

    expect((await spa("/two-factor/send-otp", {}, fresh)).status).toBe(200);
    const verified = await spa("/two-factor/verify-otp", { code: harness.outbox.otp }, fresh);
    expect(verified.status).toBe(200);
    const session = await sessionOf(fresh);
    expect(session?.user.email).toBe("max@example.com");
    expect(decodeJwt(fresh.get("better-auth.convex_jwt")!).sessionId).toBe(session?.session.id);
  });
});
