/**
 * `crossDomain()` options and plugin-order independence, on a real Better
 * Auth instance (memory adapter) and, for CORS, on `registerRoutes` under
 * convex-test.
 */
import { convexTest } from "convex-test";
import { defineSchema, httpRouter } from "convex/server";
import { decodeJwt } from "jose";
import { magicLink, twoFactor } from "better-auth/plugins";
import { describe, expect, it } from "vitest";
import { getCookie, getSetCookie } from "../../client/plugins/cross-domain-client-cookies.js";
import { registerRoutes } from "../../auth-component/register-routes.js";
import { createTestAuth, PASSWORD, TEST_BASE_URL, TEST_SITE_URL } from "../convex/test-auth.js";
import { crossDomain } from "./cross-domain-plugin.js";

const APP = "https://app.example.com";
const ADMIN = "https://admin.example.com";

type Handler = { handler: (request: Request) => Promise<Response> };

/** A cross-domain client's request from `origin`, keeping its jar up to date. */
async function send(
  auth: Handler,
  jar: { json: string },
  path: string,
  body: unknown,
  origin = APP,
): Promise<Response> {
  const response = await auth.handler(
    new Request(`${TEST_BASE_URL}/api/auth${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        origin,
        "better-auth-cookie": getCookie(jar.json),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const header = response.headers.get("set-better-auth-cookie");
  if (header) jar.json = getSetCookie(header, jar.json);
  return response;
}

const stored = (jar: { json: string }, name: string) =>
  (JSON.parse(jar.json) as Record<string, { value: string }>)[name]?.value;

describe("more than one site URL (#262)", () => {
  function setup() {
    process.env.CONVEX_SITE_URL = TEST_SITE_URL;
    const sent: string[] = [];
    const { auth } = createTestAuth({
      // Under NODE_ENV=test Better Auth skips origin checks unless told not to.
      auth: { advanced: { disableOriginCheck: false } },
      before: [crossDomain({ siteUrl: [APP, `${ADMIN}/console`] })],
      after: [magicLink({ sendMagicLink: async ({ url }) => void sent.push(url) })],
    });
    return { auth, sent };
  }

  it("trusts every site, and makes callback URLs absolute on the site the request came from", async () => {
    const { auth, sent } = setup();
    const jar = { json: "{}" };
    expect(
      (await send(auth, jar, "/sign-up/email", { email: "a@example.com", password: PASSWORD, name: "A" }, ADMIN))
        .status,
    ).toBe(200);

    await send(auth, { json: "{}" }, "/sign-in/magic-link", { email: "a@example.com" }, ADMIN);
    expect(new URL(sent.at(-1)!).searchParams.get("callbackURL")).toBe(`${ADMIN}/console`);
    await send(auth, { json: "{}" }, "/sign-in/magic-link", { email: "a@example.com", callbackURL: "/inbox" }, ADMIN);
    expect(new URL(sent.at(-1)!).searchParams.get("callbackURL")).toBe(`${ADMIN}/inbox`);
    await send(auth, { json: "{}" }, "/sign-in/magic-link", { email: "a@example.com", callbackURL: "/inbox" }, APP);
    expect(new URL(sent.at(-1)!).searchParams.get("callbackURL")).toBe(`${APP}/inbox`);

    const foreign = await send(auth, jar, "/sign-out", {}, "https://evil.example");
    expect(foreign.status).toBe(403);
  });

  it("sends a magic link's sign-in back to its own site with ?ott=", async () => {
    const { auth, sent } = setup();
    await send(auth, { json: "{}" }, "/sign-up/email", { email: "b@example.com", password: PASSWORD, name: "B" });
    await send(auth, { json: "{}" }, "/sign-in/magic-link", { email: "b@example.com", callbackURL: "/x" }, ADMIN);
    const link = new URL(sent.at(-1)!);
    const visit = await auth.handler(new Request(`${TEST_BASE_URL}${link.pathname}${link.search}`));
    expect(visit.headers.get("location")).toMatch(new RegExp(`^${ADMIN}/x\\?ott=`));
  });

  it("lets every site through registerRoutes' CORS, without listing them in trustedOrigins", async () => {
    const createAuth = () => createTestAuth({ before: [crossDomain({ siteUrl: [APP, ADMIN] })] }).auth;
    const http = httpRouter();
    registerRoutes(http, createAuth as never, { cors: true });
    const t = convexTest(defineSchema({}), {
      "/cors/_generated/api.js": async () => ({}),
      "/cors/http.js": async () => ({ default: http }),
    });
    for (const origin of [APP, ADMIN]) {
      const preflight = await t.fetch("/api/auth/get-session", {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "GET",
          "access-control-request-headers": "better-auth-cookie",
        },
      });
      expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
    }
  });
});

describe("plugin order", () => {
  it("crossDomain listed last still hands every cookie over: two_factor arrives and convex_jwt does not outlive the 2FA'd session (#322)", async () => {
    process.env.CONVEX_SITE_URL = TEST_SITE_URL;
    let otp = "";
    const { auth } = createTestAuth({
      before: [
        twoFactor({
          skipVerificationOnEnable: true,
          otpOptions: { sendOTP: async ({ otp: code }) => void (otp = code) },
        }),
      ],
      after: [crossDomain({ siteUrl: APP })],
    });
    const jar = { json: "{}" };
    await send(auth, jar, "/sign-up/email", { email: "c@example.com", password: PASSWORD, name: "C" });
    expect((await send(auth, jar, "/two-factor/enable", { password: PASSWORD })).status).toBe(200);
    await send(auth, jar, "/sign-out", {});

    const fresh = { json: "{}" };
    const signIn = await send(auth, fresh, "/sign-in/email", { email: "c@example.com", password: PASSWORD });
    expect(await signIn.json()).toMatchObject({ twoFactorRedirect: true });
    expect(signIn.headers.getSetCookie()).toEqual([]);
    expect(stored(fresh, "better-auth.two_factor")).toBeTruthy();
    expect(stored(fresh, "better-auth.session_token")).toBeUndefined();
    expect(stored(fresh, "better-auth.convex_jwt")).toBeUndefined();

    await send(auth, fresh, "/two-factor/send-otp", {});
    expect((await send(auth, fresh, "/two-factor/verify-otp", { code: otp })).status).toBe(200);
    const session = (await (await send(auth, fresh, "/get-session", undefined)).json()) as { session: { id: string } };
    expect(decodeJwt(stored(fresh, "better-auth.convex_jwt")!).sessionId).toBe(session.session.id);
  });
});

describe("siteUrl validation", () => {
  it.each([
    ["missing", undefined, /siteUrl` is missing/],
    ["relative", "/app", /not an absolute URL/],
    ["not http", "myapp://home", /must be an http\(s\) URL/],
  ])("a %s siteUrl fails the first request with a message saying what to set", async (_name, siteUrl, message) => {
    const { auth } = createTestAuth({ before: [crossDomain({ siteUrl: siteUrl as string })] });
    await expect(auth.handler(new Request(`${TEST_BASE_URL}/api/auth/ok`))).rejects.toThrow(message);
  });
});
