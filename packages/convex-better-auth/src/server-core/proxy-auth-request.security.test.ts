// @vitest-environment node
/**
 * Host-header attacks through the proxy core: a browser (or attacker) that
 * sends a spoofed `Host` / `x-forwarded-host` / `x-better-auth-forwarded-host`
 * must not be able to change cookie domains, the links Better Auth emails, or
 * where it redirects; a `callbackURL` outside `trustedOrigins` is refused.
 * The "deployment" is a real Better Auth + convex() behind a node:http
 * server, fronted by `restoreForwardedHeaders` exactly as `registerRoutes` is.
 */
import { magicLink } from "better-auth/plugins";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restoreForwardedHeaders } from "../auth-component/forwarded-headers.js";
import { createTestAuth, PASSWORD, TEST_BASE_URL } from "../plugins/convex/test-auth.js";
import { proxyAuthRequest } from "./proxy-auth-request.js";
import { startTestHttpServer, type TestHttpServer } from "./test-http-server.js";

const EVIL = "evil.example";
const links: string[] = [];
// Better Auth skips its origin and callbackURL checks when it detects a test
// run (NODE_ENV=test / vitest); turn them back on, as in production.
const { auth } = createTestAuth({
  auth: { advanced: { disableOriginCheck: false } },
  after: [magicLink({ sendMagicLink: async ({ url }) => void links.push(url) })],
});
let server: TestHttpServer;
const previousSiteUrl = process.env.CONVEX_SITE_URL;

beforeAll(async () => {
  server = await startTestHttpServer((request) => auth.handler(restoreForwardedHeaders(request)));
  process.env.CONVEX_SITE_URL = server.url;
});

afterAll(async () => {
  await server.close();
  if (previousSiteUrl === undefined) delete process.env.CONVEX_SITE_URL;
  else process.env.CONVEX_SITE_URL = previousSiteUrl;
});

const spoofed = {
  host: EVIL,
  "x-forwarded-host": EVIL,
  "x-forwarded-proto": "https",
  "x-better-auth-forwarded-host": EVIL,
  forwarded: `host=${EVIL};proto=https`,
};

function viaProxy(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const request = new Request(`${TEST_BASE_URL}/api/auth${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { "content-type": "application/json", origin: TEST_BASE_URL, ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return proxyAuthRequest(request, { convexSiteUrl: server.url });
}

describe("spoofed Host / x-forwarded-host", () => {
  it("cannot set a cookie Domain", async () => {
    const response = await viaProxy("/sign-up/email", {
      body: { email: "host@example.com", password: PASSWORD, name: "Host" },
      headers: spoofed,
    });
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect(cookie.toLowerCase()).not.toContain("domain=");
      expect(cookie.toLowerCase()).not.toContain(EVIL);
    }
  });

  it("cannot change the links Better Auth emails or the redirect after verification", async () => {
    links.length = 0;
    const response = await viaProxy("/sign-in/magic-link", {
      body: { email: "link@example.com", callbackURL: "/dashboard" },
      headers: spoofed,
    });
    expect(response.status).toBe(200);
    expect(links).toHaveLength(1);
    const link = new URL(links[0]!);
    expect(link.origin).toBe(TEST_BASE_URL);
    expect(links[0]).not.toContain(EVIL);

    const verify = await viaProxy(`${link.pathname.replace(/^\/api\/auth/, "")}${link.search}`, { headers: spoofed });
    expect(verify.status).toBeGreaterThanOrEqual(300);
    expect(verify.status).toBeLessThan(400);
    const location = verify.headers.get("location")!;
    expect(new URL(location, TEST_BASE_URL).origin).toBe(TEST_BASE_URL);
    expect(location).not.toContain(EVIL);
  });
});

describe("callbackURL outside trustedOrigins", () => {
  it("is refused for magic links and email sign-in, with no mail sent", async () => {
    links.length = 0;
    for (const callbackURL of [`https://${EVIL}/steal`, `//${EVIL}/steal`, `https://localhost:3000.${EVIL}/`]) {
      const magic = await viaProxy("/sign-in/magic-link", { body: { email: "cb@example.com", callbackURL } });
      expect(magic.status, callbackURL).toBe(403);
      const signIn = await viaProxy("/sign-in/email", {
        body: { email: "host@example.com", password: PASSWORD, callbackURL },
      });
      expect(signIn.status, callbackURL).toBe(403);
      expect(signIn.headers.getSetCookie()).toEqual([]);
    }
    expect(links).toEqual([]);
  });

  it("is refused even when the spoofed host would make it look same-origin", async () => {
    const magic = await viaProxy("/sign-in/magic-link", {
      body: { email: "cb2@example.com", callbackURL: `https://${EVIL}/dashboard` },
      headers: spoofed,
    });
    expect(magic.status).toBe(403);
  });

  it("a cross-site Origin is refused for cookie-bearing POSTs", async () => {
    const response = await viaProxy("/sign-in/email", {
      body: { email: "host@example.com", password: PASSWORD },
      headers: { origin: `https://${EVIL}`, cookie: "better-auth.session_token=x" },
    });
    expect(response.status).toBe(403);
  });
});
