/**
 * `registerRoutes` next to `@better-auth/oauth-provider` and `mcp()`: their
 * discovery documents at the site root, the `convex()` routes unchanged, and
 * CORS from Better Auth's own trusted origins. Better Auth runs on the memory
 * adapter behind the routes, reached through convex-test's `t.fetch`.
 */
import { mcp } from "@better-auth/mcp";
import { oauthProvider } from "@better-auth/oauth-provider";
import { jwt } from "better-auth/plugins";
import { convexTest } from "convex-test";
import { defineSchema, httpRouter, type HttpRouter } from "convex/server";
import { beforeEach, describe, expect, it } from "vitest";
import { convexSafeJwtAdapter } from "../plugins/convex/convex-safe-jwt-adapter.js";
import { createTestAuth, TEST_BASE_URL, TEST_SITE_URL } from "../plugins/convex/test-auth.js";
import { registerRoutes, registerRoutesLazy, type CorsOptions } from "./register-routes.js";

const ISSUER = `${TEST_BASE_URL}/api/auth`;
const MCP_RESOURCE = `${TEST_BASE_URL}/mcp`;
const pages = { loginPage: "/sign-in", consentPage: "/consent" };
const safeJwt = (issuer?: string) =>
  jwt({ jwks: { keyPairConfig: { alg: "ES256" } }, adapter: convexSafeJwtAdapter(), jwt: { issuer } });

beforeEach(() => {
  process.env.CONVEX_SITE_URL = TEST_SITE_URL;
});

type TestAuthOptions = Parameters<typeof createTestAuth>[0];

function deploy(http: HttpRouter) {
  return convexTest(defineSchema({}), {
    "/routes/_generated/api.js": async () => ({}),
    "/routes/http.js": async () => ({ default: http }),
  });
}

/** registerRoutes over one memory database shared by every request's Better Auth. */
function serve(options: TestAuthOptions, cors?: CorsOptions) {
  const db: Record<string, Record<string, unknown>[]> = {};
  const http = httpRouter();
  registerRoutes(http, (() => createTestAuth({ ...options, db }).auth) as never, { cors });
  return { t: deploy(http), http };
}

async function json(response: Response): Promise<Record<string, unknown>> {
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe("OAuth discovery at the site root", () => {
  it("serves the provider's RFC 8414 metadata, and leaves convex()'s routes as they were", async () => {
    const { t } = serve({ before: [safeJwt(), oauthProvider(pages)] });
    const metadata = await json(await t.fetch("/.well-known/oauth-authorization-server/api/auth"));
    expect(metadata).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/oauth2/authorize`,
      token_endpoint: `${ISSUER}/oauth2/token`,
      jwks_uri: `${ISSUER}/jwks`,
    });
    expect(metadata.code_challenge_methods_supported).toContain("S256");
    // The issuer has a path, so the root OIDC discovery stays convex()'s.
    const root = await t.fetch("/.well-known/openid-configuration", { redirect: "manual" });
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe(`${TEST_SITE_URL}/api/auth/convex/.well-known/openid-configuration`);
    expect((await json(await t.fetch("/api/auth/convex/jwks"))).keys).toHaveLength(1);
    expect((await json(await t.fetch("/api/auth/.well-known/openid-configuration"))).issuer).toBe(ISSUER);
  });

  it("serves mcp()'s RFC 9728 protected resource metadata", async () => {
    const { t } = serve({ before: [safeJwt(), mcp({ ...pages, resource: MCP_RESOURCE })] });
    for (const path of ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]) {
      expect(await json(await t.fetch(path))).toMatchObject({
        resource: MCP_RESOURCE,
        authorization_servers: [ISSUER],
      });
    }
  });

  it("with the issuer at the site root, the root OIDC discovery is the provider's", async () => {
    const { t } = serve({ before: [safeJwt(TEST_BASE_URL), oauthProvider(pages)] });
    const discovery = await json(await t.fetch("/.well-known/openid-configuration"));
    expect(discovery).toMatchObject({ issuer: TEST_BASE_URL, jwks_uri: `${ISSUER}/jwks` });
    expect((await json(await t.fetch("/.well-known/oauth-authorization-server"))).issuer).toBe(TEST_BASE_URL);
  });

  it("adds no root routes without the provider, and leaves routes the app registered first", () => {
    const { http } = serve({});
    expect(http.lookup("/.well-known/oauth-authorization-server/api/auth", "GET")).toBeNull();
    expect(http.lookup("/.well-known/oauth-protected-resource", "GET")).toBeNull();

    const own = httpRouter();
    const mine = (() => new Response("mine")) as never;
    own.route({ path: "/.well-known/oauth-protected-resource", method: "GET", handler: mine });
    registerRoutes(own, (() => createTestAuth({ before: [safeJwt(), oauthProvider(pages)] }).auth) as never);
    expect(own.lookup("/.well-known/oauth-protected-resource", "GET")![0]).toBe(mine);
    expect(own.lookup("/.well-known/oauth-protected-resource/mcp", "GET")).not.toBeNull();
  });

  it("registerRoutesLazy serves them when told the provider is there", () => {
    const http = httpRouter();
    registerRoutesLazy(http, (() => createTestAuth({}).auth) as never, { oauthProvider: true });
    expect(http.lookup("/.well-known/oauth-authorization-server/api/auth", "GET")).not.toBeNull();
  });
});

describe("CORS from Better Auth's trusted origins", () => {
  const preflight = (t: ReturnType<typeof deploy>, origin: string, path = "/api/auth/get-session") =>
    t.fetch(path, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
    });

  it("matches origins with Better Auth's own patterns and resolves a trustedOrigins function per request", async () => {
    const { t } = serve(
      {
        auth: {
          trustedOrigins: (request?: Request) =>
            request?.headers.get("origin") === "https://tenant.example.org" ? ["https://tenant.example.org"] : [],
        },
        before: [{ id: "adds-origins", init: () => ({ options: { trustedOrigins: ["https://*.example.com"] } }) }],
      },
      true,
    );
    for (const origin of ["https://app.example.com", "https://tenant.example.org", TEST_BASE_URL]) {
      expect((await preflight(t, origin)).headers.get("access-control-allow-origin"), origin).toBe(origin);
    }
    for (const origin of ["https://evil.example", "http://app.example.com"]) {
      expect((await preflight(t, origin)).headers.get("access-control-allow-origin"), origin).toBeNull();
    }
  });

  it("exposes WWW-Authenticate next to the provider, on its root discovery routes too", async () => {
    const { t } = serve(
      { auth: { trustedOrigins: ["https://inspector.example.com"] }, before: [safeJwt(), oauthProvider(pages)] },
      true,
    );
    const response = await t.fetch("/.well-known/oauth-authorization-server/api/auth", {
      headers: { origin: "https://inspector.example.com" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBe("https://inspector.example.com");
    expect(response.headers.get("access-control-expose-headers")).toContain("WWW-Authenticate");
    expect(
      (await preflight(t, "https://inspector.example.com", "/.well-known/oauth-authorization-server/api/auth")).status,
    ).toBe(204);
  });

  it("falls back to the configured origins when Better Auth cannot initialise without a ctx", async () => {
    // The bundled component's adapter needs the HTTP action's ctx; without
    // one, a plugin that reads the database at start-up fails Better Auth's
    // initialisation (the OAuth provider seeding its resources does).
    const failsWithoutCtx = { id: "needs-ctx", init: () => Promise.reject(new Error("no ctx")) };
    const http = httpRouter();
    registerRoutes(
      http,
      ((ctx: { runQuery?: unknown }) =>
        createTestAuth({
          auth: { trustedOrigins: ["https://app.example.com"] },
          before: ctx.runQuery ? [] : [failsWithoutCtx],
        }).auth) as never,
      { cors: true },
    );
    const t = deploy(http);
    expect((await preflight(t, "https://app.example.com")).headers.get("access-control-allow-origin")).toBe(
      "https://app.example.com",
    );
    expect((await preflight(t, "https://other.example.com")).headers.get("access-control-allow-origin")).toBeNull();
  });
});
