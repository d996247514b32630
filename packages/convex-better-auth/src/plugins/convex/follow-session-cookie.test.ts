import { magicLink, twoFactor } from "better-auth/plugins";
import { decodeJwt } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createCookieJar,
  createTestAuth,
  jwtCookie,
  PASSWORD,
  send,
  signIn,
  signUp,
  TEST_SITE_URL,
  verifyWithJwks,
  type CookieJar,
} from "./test-auth.js";

beforeEach(() => {
  process.env.CONVEX_SITE_URL = TEST_SITE_URL;
});

type Db = Record<string, Record<string, unknown>[]>;

function userId(db: Db, email: string): string {
  return db.user!.find((user) => user.email === email)!.id as string;
}

/** The session row the jar's session cookie points at. */
function jarSession(db: Db, jar: CookieJar): Record<string, unknown> | undefined {
  const value = jar.get("better-auth.session_token");
  if (!value) return undefined;
  const token = value.slice(0, value.lastIndexOf("."));
  return db.session!.find((session) => session.token === token);
}

/** Asserts the jar's convex_jwt is a valid JWT for exactly the session its session cookie holds. */
async function expectJwtFollowsSession(
  auth: Parameters<typeof verifyWithJwks>[0],
  db: Db,
  jar: CookieJar,
  email: string,
) {
  const session = jarSession(db, jar);
  expect(session, "session cookie points at a live session").toBeDefined();
  const token = jwtCookie(jar);
  expect(token, "convex_jwt is set").toBeDefined();
  const { payload } = await verifyWithJwks(auth, token!);
  expect(payload.sub).toBe(userId(db, email));
  expect(payload.sub).toBe(session!.userId);
  expect(payload.sessionId).toBe(session!.id);
}

describe("convex_jwt follows the session cookie", () => {
  it("is set on sign-up for the new session", async () => {
    const { auth, db } = createTestAuth();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    await expectJwtFollowsSession(auth, db, jar, "ada@example.com");
  });

  it("is set on sign-in for the new session, not a previous one", async () => {
    const { auth, db } = createTestAuth();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    const first = decodeJwt(jwtCookie(jar)!).sessionId;
    await signIn(auth, jar, "ada@example.com");
    await expectJwtFollowsSession(auth, db, jar, "ada@example.com");
    expect(decodeJwt(jwtCookie(jar)!).sessionId).not.toBe(first);
  });

  it("is cleared on sign-out", async () => {
    const { auth } = createTestAuth();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    expect(jwtCookie(jar)).toBeDefined();
    const response = await send(auth, jar, "/sign-out", {});
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().some((c) => /^better-auth\.convex_jwt=;.*Max-Age=0/.test(c))).toBe(true);
    expect(jwtCookie(jar)).toBeUndefined();
  });

  it("switches to user B when B signs in over A's session (the new session wins)", async () => {
    const { auth, db } = createTestAuth();
    const other = createCookieJar();
    await signUp(auth, other, "bob@example.com");
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    await expectJwtFollowsSession(auth, db, jar, "ada@example.com");

    await signIn(auth, jar, "bob@example.com");
    await expectJwtFollowsSession(auth, db, jar, "bob@example.com");
  });

  /**
   * @see https://github.com/get-convex/better-auth/issues/416 — verify-email
   * with auto sign-in over another user's session left the JWT bound to the
   * previous user, so Better Auth and Convex saw different users.
   */
  it("switches to the verified user on verify-email auto sign-in while another user is signed in", async () => {
    const urls: string[] = [];
    const { auth, db } = createTestAuth({
      auth: {
        emailVerification: {
          sendOnSignUp: true,
          autoSignInAfterVerification: true,
          sendVerificationEmail: async ({ user, url }) => {
            if (user.email === "bob@example.com") urls.push(url);
          },
        },
      },
    });
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    await signUp(auth, createCookieJar(), "bob@example.com");
    expect(urls).toHaveLength(1);
    await expectJwtFollowsSession(auth, db, jar, "ada@example.com");

    const path = new URL(urls[0]!).pathname.replace(/^\/api\/auth/, "") + new URL(urls[0]!).search;
    await send(auth, jar, path);
    await expectJwtFollowsSession(auth, db, jar, "bob@example.com");
  });

  it("is re-minted with fresh claims when update-user rewrites the session cookie", async () => {
    const { auth, db } = createTestAuth();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com", "Ada");
    await send(auth, jar, "/update-user", { name: "Ada Lovelace" });
    await expectJwtFollowsSession(auth, db, jar, "ada@example.com");
    expect(decodeJwt(jwtCookie(jar)!).name).toBe("Ada Lovelace");
  });

  it("is cleared when the current session is revoked", async () => {
    const { auth, db } = createTestAuth();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    await send(auth, jar, "/revoke-session", { token: jarSession(db, jar)!.token });
    expect(jwtCookie(jar)).toBeUndefined();
  });

  it("is cleared by revoke-sessions", async () => {
    const { auth } = createTestAuth();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    await send(auth, jar, "/revoke-sessions", {});
    expect(jwtCookie(jar)).toBeUndefined();
  });

  it("is kept by revoke-other-sessions, which leaves the current session alive", async () => {
    const { auth, db } = createTestAuth();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    await signIn(auth, createCookieJar(), "ada@example.com");
    const before = jwtCookie(jar);
    const response = await send(auth, jar, "/revoke-other-sessions", {});
    expect(response.status).toBe(200);
    expect(jwtCookie(jar)).toBe(before);
    await expectJwtFollowsSession(auth, db, jar, "ada@example.com");
  });

  it("is cleared by delete-user", async () => {
    const { auth } = createTestAuth({ auth: { user: { deleteUser: { enabled: true } } } });
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    const response = await send(auth, jar, "/delete-user", { password: PASSWORD });
    expect(response.status).toBe(200);
    expect(jwtCookie(jar)).toBeUndefined();
  });

  it("is cleared when get-session finds the session gone", async () => {
    const { auth, db } = createTestAuth();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    db.session!.length = 0;
    await send(auth, jar, "/get-session");
    expect(jwtCookie(jar)).toBeUndefined();
  });

  it("is set by plugin sign-in flows it has no path for (magic link)", async () => {
    const urls: string[] = [];
    const { auth, db } = createTestAuth({
      before: [magicLink({ sendMagicLink: async ({ url }) => void urls.push(url) })],
    });
    await signUp(auth, createCookieJar(), "ada@example.com");
    const jar = createCookieJar();
    await send(auth, jar, "/sign-in/magic-link", { email: "ada@example.com" });
    const url = new URL(urls[0]!);
    await send(auth, jar, url.pathname.replace(/^\/api\/auth/, "") + url.search);
    await expectJwtFollowsSession(auth, db, jar, "ada@example.com");
  });

  it("never fails the sign-in when no JWT can be minted, and leaves no stale JWT behind", async () => {
    const { auth, db } = createTestAuth();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    await signUp(auth, createCookieJar(), "bob@example.com");
    delete process.env.CONVEX_SITE_URL;
    const response = await signIn(auth, jar, "bob@example.com");
    expect(response.status).toBe(200);
    expect(jarSession(db, jar)!.userId).toBe(userId(db, "bob@example.com"));
    expect(jwtCookie(jar), "Ada's JWT must not survive Bob's sign-in").toBeUndefined();
  });

  it("is set on server-side auth.api sign-in responses", async () => {
    const { auth } = createTestAuth();
    await signUp(auth, createCookieJar(), "ada@example.com");
    const { headers, response } = await auth.api.signInEmail({
      body: { email: "ada@example.com", password: PASSWORD },
      returnHeaders: true,
    });
    const jwt = headers
      .getSetCookie()
      .find((c) => c.startsWith("better-auth.convex_jwt="))!
      .split(";")[0]!
      .slice("better-auth.convex_jwt=".length);
    expect(decodeJwt(jwt).sub).toBe(response.user.id);
  });

  describe.each([
    ["registered before convex()", "before"],
    ["registered after convex()", "after"],
  ] as const)("with two-factor %s", (_label, position) => {
    it("withholds the JWT until 2FA passes, then binds it to the 2FA session", async () => {
      const { auth, db } = createTestAuth({ [position]: [twoFactor({ skipVerificationOnEnable: true })] });
      const jar = createCookieJar();
      await signUp(auth, jar, "ada@example.com");
      const enabled = await send(auth, jar, "/two-factor/enable", { password: PASSWORD });
      const { backupCodes } = (await enabled.json()) as { backupCodes: string[] };
      // Enabling 2FA rotates the session; the JWT moves with it.
      await expectJwtFollowsSession(auth, db, jar, "ada@example.com");

      const browser = createCookieJar();
      const pending = await signIn(auth, browser, "ada@example.com");
      expect(((await pending.json()) as { twoFactorRedirect?: boolean }).twoFactorRedirect).toBe(true);
      expect(jarSession(db, browser)).toBeUndefined();
      expect(jwtCookie(browser), "no Convex JWT before the second factor").toBeUndefined();

      const verified = await send(auth, browser, "/two-factor/verify-backup-code", { code: backupCodes[0] });
      expect(verified.status).toBe(200);
      await expectJwtFollowsSession(auth, db, browser, "ada@example.com");
    });
  });
});
