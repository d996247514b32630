import { beforeEach, describe, expect, it } from "vitest";
import { createCookieJar, createTestAuth, send, TEST_BASE_URL, TEST_SITE_URL, testAuthConfig } from "./test-auth.js";

beforeEach(() => {
  process.env.CONVEX_SITE_URL = TEST_SITE_URL;
});

describe("GET /convex/.well-known/openid-configuration", () => {
  it("serves OIDC discovery with the Convex site URL as issuer and the plugin's JWKS", async () => {
    const { auth } = createTestAuth();
    const response = await send(auth, createCookieJar(), "/convex/.well-known/openid-configuration");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      issuer: TEST_SITE_URL,
      jwks_uri: `${TEST_SITE_URL}/api/auth/convex/jwks`,
      authorization_endpoint: `${TEST_SITE_URL}/api/auth`,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid", "profile", "email"],
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "sessionId", "name", "email", "emailVerified"],
    });
  });

  it("uses Better Auth's basePath for jwks_uri", async () => {
    const { auth } = createTestAuth({
      auth: { basePath: "/auth" },
      convex: { options: { basePath: "/auth" }, authConfig: testAuthConfig({ basePath: "/auth" }) },
    });
    const response = await auth.handler(new Request(`${TEST_BASE_URL}/auth/convex/.well-known/openid-configuration`));
    const body = (await response.json()) as { jwks_uri: string };
    expect(body.jwks_uri).toBe(`${TEST_SITE_URL}/auth/convex/jwks`);
    const jwks = await auth.handler(new Request(`${TEST_BASE_URL}/auth/convex/jwks`));
    expect(jwks.status).toBe(200);
  });
});
