import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createCookieJar,
  createTestAuth,
  jwtCookie,
  send,
  signUp,
  TEST_SITE_URL,
  verifyWithJwks,
} from "./test-auth.js";

beforeEach(() => {
  process.env.CONVEX_SITE_URL = TEST_SITE_URL;
});
afterEach(() => {
  process.env.CONVEX_SITE_URL = TEST_SITE_URL;
});

async function tokenOf(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

function convexJwtSetCookie(response: Response): string | undefined {
  return response.headers.getSetCookie().find((cookie) => cookie.includes("convex_jwt="));
}

describe("GET /convex/token", () => {
  it("returns a compact RS256 JWT that verifies against /convex/jwks with the Convex claims", async () => {
    const { auth, db } = createTestAuth();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com", "Ada");

    const response = await send(auth, jar, "/convex/token");
    const token = await tokenOf(response);
    const { payload, header } = await verifyWithJwks(auth, token);

    expect(header.alg).toBe("RS256");
    expect(header.kid).toBe(db.jwks[0]!.id);
    expect(payload.iss).toBe(TEST_SITE_URL);
    expect(payload.aud).toBe("convex");
    expect(payload.sub).toBe(db.user[0]!.id);
    expect(payload.sessionId).toBe(db.session[0]!.id);
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
    // Compact: no createdAt/updatedAt/image/id copied from the user row (#171).
    expect(Object.keys(payload).sort()).toEqual(
      ["aud", "email", "emailVerified", "exp", "iat", "iss", "name", "sessionId", "sub"].sort(),
    );
    expect(payload).toMatchObject({ name: "Ada", email: "ada@example.com", emailVerified: false });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("sets convex_jwt to the returned token: HttpOnly, SameSite=Lax, Path=/, Max-Age = lifetime", async () => {
    const { auth } = createTestAuth();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");

    const response = await send(auth, jar, "/convex/token");
    const token = await tokenOf(response);
    const setCookie = convexJwtSetCookie(response)!;
    expect(setCookie.startsWith(`better-auth.convex_jwt=${token};`)).toBe(true);
    expect(setCookie).toContain("Max-Age=900");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).not.toContain("Secure");
    expect(jwtCookie(jar)).toBe(token);
  });

  it("names the cookie with Better Auth's helpers: cookiePrefix and __Secure- on https", async () => {
    const { auth } = createTestAuth({
      auth: { baseURL: "https://app.example.com", advanced: { cookiePrefix: "myapp" } },
    });
    const jar = createCookieJar();
    const signUpResponse = await auth.handler(
      new Request("https://app.example.com/api/auth/sign-up/email", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://app.example.com" },
        body: JSON.stringify({ email: "ada@example.com", password: "correct-horse-battery-staple", name: "Ada" }),
      }),
    );
    jar.store(signUpResponse);
    const response = await auth.handler(
      new Request("https://app.example.com/api/auth/convex/token", { headers: { cookie: jar.header() } }),
    );
    const setCookie = convexJwtSetCookie(response)!;
    expect(setCookie.startsWith("__Secure-myapp.convex_jwt=")).toBe(true);
    expect(setCookie).toContain("Secure");
  });

  it("returns 401 and clears convex_jwt without a session", async () => {
    const { auth } = createTestAuth();
    const response = await send(auth, createCookieJar(), "/convex/token");
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe("SESSION_REQUIRED");
    expect(convexJwtSetCookie(response)).toMatch(/^better-auth\.convex_jwt=;.*Max-Age=0/);
  });

  /**
   * @see https://github.com/get-convex/better-auth/issues/434 — with the
   * cookie cache on, a deleted session kept getting fresh JWTs until the cache
   * expired.
   */
  it("returns 401 for a session deleted in the database even while the cookie cache still holds it", async () => {
    const { auth, db } = createTestAuth({ auth: { session: { cookieCache: { enabled: true, maxAge: 300 } } } });
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    expect(jar.get("better-auth.session_data")).toBeDefined();

    db.session.length = 0;

    // The cache alone still vouches for the session...
    const cached = await send(auth, jar, "/get-session");
    expect(((await cached.json()) as { session?: unknown } | null)?.session).toBeDefined();
    // ...but the token endpoint reads the database.
    const response = await send(auth, jar, "/convex/token");
    expect(response.status).toBe(401);
    expect(jwtCookie(jar)).toBeUndefined();
  });

  it("answers 500, not 401, and keeps convex_jwt when the session cannot be read", async () => {
    let failing = false;
    const { auth } = createTestAuth({
      wrapAdapter: (adapter) => ({
        ...adapter,
        findOne: async (args) => {
          if (failing && args.model === "session") throw new Error("database unavailable");
          return adapter.findOne(args);
        },
      }),
    });
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    const before = jwtCookie(jar);
    failing = true;
    const response = await send(auth, jar, "/convex/token");
    expect(response.status).toBe(500);
    expect(convexJwtSetCookie(response)).toBeUndefined();
    expect(jwtCookie(jar)).toBe(before);
  });

  it("replaces the user claims with definePayload but keeps sub, sessionId, iss, aud, iat and exp", async () => {
    const { auth, db } = createTestAuth({
      convex: {
        jwt: {
          definePayload: async ({ user, session }) => ({
            role: "admin",
            uid: user.id,
            sid: session.id,
            sub: "spoofed",
            iss: "https://evil.example.com",
            aud: "other",
            exp: 1,
            sessionId: "spoofed",
          }),
        },
      },
    });
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    const { payload } = await verifyWithJwks(auth, await tokenOf(await send(auth, jar, "/convex/token")));

    expect(payload).toMatchObject({
      role: "admin",
      uid: db.user[0]!.id,
      sid: db.session[0]!.id,
      sub: db.user[0]!.id,
      sessionId: db.session[0]!.id,
      iss: TEST_SITE_URL,
      aud: "convex",
    });
    expect(payload.name).toBeUndefined();
    expect(payload.email).toBeUndefined();
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it("uses jwt.expirationSeconds for exp and the cookie's Max-Age", async () => {
    const { auth } = createTestAuth({ convex: { jwt: { expirationSeconds: 60 } } });
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    const response = await send(auth, jar, "/convex/token");
    const { payload } = await verifyWithJwks(auth, await tokenOf(response));
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(convexJwtSetCookie(response)).toContain("Max-Age=60");
  });

  it("fails with CONVEX_SITE_URL_MISSING when CONVEX_SITE_URL is unset", async () => {
    const { auth } = createTestAuth();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    delete process.env.CONVEX_SITE_URL;
    const response = await send(auth, jar, "/convex/token");
    expect(response.status).toBe(500);
    expect(((await response.json()) as { code: string }).code).toBe("CONVEX_SITE_URL_MISSING");
  });

  it("is typed on auth.api and works without HTTP", async () => {
    const { auth } = createTestAuth();
    const { headers } = await auth.api.signUpEmail({
      body: { email: "ada@example.com", password: "correct-horse-battery-staple", name: "Ada" },
      returnHeaders: true,
    });
    const cookie = headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const { token } = await auth.api.getConvexToken({ headers: new Headers({ cookie }) });
    const { payload } = await verifyWithJwks(auth, token);
    expect(payload.email).toBe("ada@example.com");
  });
});
