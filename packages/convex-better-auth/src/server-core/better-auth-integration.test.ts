// @vitest-environment node
/**
 * The proxy and the token getter against a real Better Auth instance with
 * the `convex()` plugin, served over HTTP as Convex would serve it: proves
 * the verification rules (issuer, audience, RS256, JWKS path) match what the
 * plugin mints, and that the proxy delivers Better Auth's cookies intact.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCookieJar, createTestAuth, PASSWORD, send, TEST_BASE_URL } from "../plugins/convex/test-auth.js";
import { createConvexTokenGetter } from "./convex-token-getter.js";
import { proxyAuthRequest } from "./proxy-auth-request.js";
import { resolveServerOptions } from "./server-options.js";
import { startTestHttpServer, type TestHttpServer } from "./test-http-server.js";

let server: TestHttpServer;
const { auth } = createTestAuth();
const previousSiteUrl = process.env.CONVEX_SITE_URL;

beforeAll(async () => {
  server = await startTestHttpServer((request) => auth.handler(request));
  // The plugin signs with CONVEX_SITE_URL as issuer; here the "deployment" is the test server.
  process.env.CONVEX_SITE_URL = server.url;
});

afterAll(async () => {
  await server.close();
  if (previousSiteUrl === undefined) delete process.env.CONVEX_SITE_URL;
  else process.env.CONVEX_SITE_URL = previousSiteUrl;
});

const resolved = () =>
  resolveServerOptions({
    convexUrl: "https://happy-otter-123.convex.cloud",
    convexSiteUrl: server.url,
    jwtCache: { enabled: true },
  });

describe("with a real Better Auth + convex() deployment", () => {
  it("signs up through the proxy and hands every Better Auth cookie to the browser", async () => {
    const request = new Request(`${TEST_BASE_URL}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: TEST_BASE_URL },
      body: JSON.stringify({ email: "proxy@example.com", password: PASSWORD, name: "Proxy" }),
    });
    const response = await proxyAuthRequest(request, { convexSiteUrl: server.url });
    expect(response.status).toBe(200);
    const names = response.headers.getSetCookie().map((cookie) => cookie.split("=")[0]);
    expect(names).toContain("better-auth.session_token");
    expect(names).toContain("better-auth.convex_jwt");
  });

  it("fetches a fresh token with the session cookie, then reuses the plugin's convex_jwt cookie once it verifies", async () => {
    const jar = createCookieJar();
    await send(auth, jar, "/sign-up/email", { email: "getter@example.com", password: PASSWORD, name: "Getter" });
    const getToken = createConvexTokenGetter(resolved());

    const sessionOnly = `better-auth.session_token=${encodeURIComponent(jar.get("better-auth.session_token")!)}`;
    const fresh = await getToken(new Headers({ cookie: sessionOnly, host: "localhost:3000" }));
    expect(fresh?.source).toBe("fresh");

    const cached = await getToken(new Headers({ cookie: jar.header(), host: "localhost:3000" }));
    expect(cached).toEqual({ token: jar.get("better-auth.convex_jwt"), source: "cookie" });
  });

  it("gets no token for a signed-out browser", async () => {
    const getToken = createConvexTokenGetter(resolved(), { logger: { error: () => {} } });
    expect(await getToken(new Headers({ cookie: "better-auth.session_token=unknown.sig" }))).toBeUndefined();
  });
});
