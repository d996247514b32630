// @vitest-environment node
/**
 * `mcp()` on the bundled component next to `convex()`, as an MCP client sees
 * it through Better Auth's HTTP handler: protected resource metadata (RFC
 * 9728) → authorization server metadata (RFC 8414) → dynamic client
 * registration → authorization code + PKCE bound to the MCP resource. The
 * MCP server's own check (`createMcpProtectedRequestHandler`, keys fetched
 * over loopback) accepts that token and refuses a Convex token. No call scans.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createMcpProtectedRequestHandler, mcp } from "@better-auth/mcp";
import { betterAuth } from "better-auth";
import { jwt } from "better-auth/plugins";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getAuthConfigProvider } from "../auth-config/get-auth-config-provider.js";
import { convex } from "../plugins/convex/convex-plugin.js";
import { convexSafeJwtAdapter } from "../plugins/convex/convex-safe-jwt-adapter.js";
import { authorizationCodeFlow, type OAuthServer } from "../test-utils/oauth-client-flow.js";
import { createPluginsHarness, signUp } from "../test-utils/plugins-harness.js";

const ORIGIN = "http://localhost:3000";
const ISSUER = `${ORIGIN}/api/auth`;
const MCP_RESOURCE = `${ORIGIN}/mcp`;
const REDIRECT_URI = "http://127.0.0.1:33418/callback";

describe("mcp() on the built-in component", () => {
  process.env.CONVEX_SITE_URL = "https://mcp-test.convex.site";
  const harness = createPluginsHarness();
  const auth = betterAuth({
    ...harness.options,
    plugins: [
      convex({ authConfig: { providers: [getAuthConfigProvider()] } }),
      jwt({ jwks: { keyPairConfig: { alg: "ES256" } }, adapter: convexSafeJwtAdapter() }),
      mcp({
        loginPage: "/sign-in",
        consentPage: "/consent",
        resource: MCP_RESOURCE,
        allowDynamicClientRegistration: true,
        allowUnauthenticatedClientRegistration: true,
      }),
    ],
  });
  const server: OAuthServer = { origin: ORIGIN, basePath: "/api/auth", fetch: (request) => auth.handler(request) };
  // The authorization server's JWKS over real HTTP, for the MCP server's remote key fetch.
  let jwksServer: Server;
  let jwksUrl: string;
  let session: Headers;

  const get = async (url: string, headers: HeadersInit = {}) => {
    const response = await auth.handler(new Request(url, { headers }));
    expect(response.status, url).toBe(200);
    return (await response.json()) as Record<string, any>;
  };

  beforeAll(async () => {
    jwksServer = createServer((req, res) => {
      void auth.handler(new Request(`${ORIGIN}${req.url}`)).then(async (response) => {
        res.writeHead(response.status, { "content-type": "application/json" });
        res.end(await response.text());
      });
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/api/auth/jwks`;
    await harness.seedUsers(300);
    session = await signUp(auth, "mcp-user@example.com");
  }, 60_000);

  afterAll(() => new Promise<void>((resolve) => jwksServer.close(() => resolve())));

  test("discovery, registration, authorization: the MCP server accepts the token, and not a Convex token", async () => {
    const resource = await get(`${ORIGIN}/.well-known/oauth-protected-resource/mcp`);
    expect(resource).toMatchObject({ resource: MCP_RESOURCE, authorization_servers: [ISSUER] });
    const [issuer] = resource.authorization_servers as string[];
    const metadata = await get(`${ORIGIN}/.well-known/oauth-authorization-server${new URL(issuer!).pathname}`);
    expect(metadata.issuer).toBe(ISSUER);
    expect(metadata.code_challenge_methods_supported).toContain("S256");

    const registered = await auth.handler(
      new Request(metadata.registration_endpoint as string, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          client_name: "MCP CLI",
          // A native client may redirect to a loopback port (RFC 8252).
          application_type: "native",
          redirect_uris: [REDIRECT_URI],
          token_endpoint_auth_method: "none",
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
        }),
      }),
    );
    expect(registered.status, await registered.clone().text()).toBe(201);
    const clientId = ((await registered.json()) as { client_id: string }).client_id;

    const { tokens } = await authorizationCodeFlow(
      server,
      { cookie: () => session.get("cookie") ?? "" },
      { clientId, redirectUri: REDIRECT_URI, scope: "openid profile email offline_access", resource: MCP_RESOURCE },
    );

    const protectedRoute = createMcpProtectedRequestHandler(
      { issuer: ISSUER, audience: MCP_RESOURCE, jwksUrl },
      (_request, claims) => Response.json({ sub: claims.sub }),
    );
    const call = (token: string) =>
      protectedRoute(new Request(MCP_RESOURCE, { method: "POST", headers: { authorization: `Bearer ${token}` } }));
    const userId = (await get(`${ISSUER}/get-session`, session)).user.id as string;
    const accepted = await call(tokens.access_token);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ sub: userId });

    const convexToken = (await get(`${ISSUER}/convex/token`, session)).token as string;
    for (const refused of [convexToken, tokens.id_token!]) {
      const response = await call(refused);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain(
        `resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource/mcp"`,
      );
    }
  });

  test("no call scans", () => {
    harness.expectNoScans([{ model: "jwks" }, { model: "oauthResource" }]);
  });
});
