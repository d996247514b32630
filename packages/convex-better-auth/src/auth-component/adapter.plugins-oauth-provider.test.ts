/**
 * `@better-auth/oauth-provider` on the bundled component next to `convex()`
 * and `jwt()`, driven through Better Auth's HTTP handler: a client is
 * registered, authorization code + PKCE through the consent page, token,
 * userinfo, introspection, refresh rotation and revocation; consents and
 * resource links; rows the 1.6 OIDC provider left behind stay readable. No
 * call scans, and `/convex/token` keeps working.
 */
import { oauthProvider } from "@better-auth/oauth-provider";
import { betterAuth } from "better-auth";
import { jwt } from "better-auth/plugins";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { beforeAll, describe, expect, test } from "vitest";
import { getAuthConfigProvider } from "../auth-config/get-auth-config-provider.js";
import { convex } from "../plugins/convex/convex-plugin.js";
import { convexSafeJwtAdapter } from "../plugins/convex/convex-safe-jwt-adapter.js";
import {
  authorizationCodeFlow,
  postForm,
  registerClient,
  type OAuthClient,
  type OAuthServer,
} from "../test-utils/oauth-client-flow.js";
import { createPluginsHarness, signUp } from "../test-utils/plugins-harness.js";

const ORIGIN = "http://localhost:3000";
const ISSUER = `${ORIGIN}/api/auth`;
const RESOURCE = `${ORIGIN}/api/resource`;
const REDIRECT_URI = "https://client.example.com/cb";
const SITE = "https://oauth-provider-test.convex.site";

describe("the OAuth provider on the built-in component", () => {
  process.env.CONVEX_SITE_URL = SITE;
  const harness = createPluginsHarness();
  const auth = betterAuth({
    ...harness.options,
    plugins: [
      convex({ authConfig: { providers: [getAuthConfigProvider()] } }),
      jwt({ jwks: { keyPairConfig: { alg: "ES256" } }, adapter: convexSafeJwtAdapter() }),
      oauthProvider({
        loginPage: "/sign-in",
        consentPage: "/consent",
        scopes: ["openid", "profile", "email", "offline_access"],
        resources: [RESOURCE],
        clientRegistrationDefaultResources: [RESOURCE],
      }),
    ],
  });
  const server: OAuthServer = { origin: ORIGIN, basePath: "/api/auth", fetch: (request) => auth.handler(request) };
  let session: Headers;
  let client: OAuthClient;
  let userId: string;

  const browser = () => ({ cookie: () => session.get("cookie") ?? "" });
  const get = async (path: string, headers: HeadersInit = {}) => {
    const response = await auth.handler(new Request(`${ISSUER}${path}`, { headers }));
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const withClient = (form: Record<string, string>) => ({
    ...form,
    client_id: client.clientId,
    client_secret: client.clientSecret!,
  });

  beforeAll(async () => {
    await harness.seedUsers(300);
    session = await signUp(auth, "oauth-user@example.com");
    userId = (await get("/get-session", session)).body.user.id as string;
    // What the 1.6 OIDC provider left in the two tables the new provider shares.
    await harness.t.run(async (ctx) => {
      const now = Date.now();
      await ctx.db.insert("oauthAccessToken", {
        id: "legacy-token",
        accessToken: "legacy-access",
        refreshToken: "legacy-refresh",
        accessTokenExpiresAt: now + 3_600_000,
        clientId: "legacy-client",
        userId,
        scopes: "openid profile",
        createdAt: now,
        updatedAt: now,
      });
      await ctx.db.insert("oauthConsent", {
        id: "legacy-consent",
        clientId: "legacy-client",
        userId,
        scopes: "openid profile",
        consentGiven: true,
        createdAt: now,
        updatedAt: now,
      });
    });
    client = await registerClient(server, browser(), REDIRECT_URI, { confidential: true });
    expect(client.clientSecret).toBeTruthy();
  }, 60_000);

  test("authorization code + PKCE for a resource: a JWT access token, an ID token and a refresh token; a replayed code is refused", async () => {
    const { tokens, code, verifier } = await authorizationCodeFlow(server, browser(), {
      ...client,
      resource: RESOURCE,
    });
    const jwks = createLocalJWKSet((await get("/jwks")).body as JSONWebKeySet);
    const { payload: access } = await jwtVerify(tokens.access_token, jwks, { issuer: ISSUER, audience: RESOURCE });
    expect(access.sub).toBe(userId);
    const { payload: id } = await jwtVerify(tokens.id_token!, jwks, { issuer: ISSUER, audience: client.clientId });
    expect(id.sub).toBe(userId);
    expect(tokens.refresh_token).toBeTruthy();

    const replay = await postForm(
      server,
      "/oauth2/token",
      withClient({ grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT_URI }),
    );
    expect(replay.body.error).toBe("invalid_grant");
    // The replay revokes what the code issued (RFC 6749 §4.1.2).
    const introspected = await postForm(server, "/oauth2/introspect", withClient({ token: tokens.refresh_token! }));
    expect(introspected.body.active).toBe(false);
  });

  test("an opaque access token: userinfo, introspection, refresh rotation, revocation", async () => {
    const { tokens } = await authorizationCodeFlow(server, browser(), client);
    expect(tokens.access_token.split(".")).toHaveLength(1);
    const info = await get("/oauth2/userinfo", { authorization: `Bearer ${tokens.access_token}` });
    expect(info.body).toMatchObject({ sub: userId, email: "oauth-user@example.com" });
    const active = await postForm(server, "/oauth2/introspect", withClient({ token: tokens.access_token }));
    expect(active.body).toMatchObject({ active: true, sub: userId, client_id: client.clientId });

    const refreshed = await postForm(
      server,
      "/oauth2/token",
      withClient({ grant_type: "refresh_token", refresh_token: tokens.refresh_token! }),
    );
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(tokens.refresh_token);
    const next = refreshed.body.access_token as string;
    const revoked = await postForm(server, "/oauth2/revoke", withClient({ token: next }));
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect((await postForm(server, "/oauth2/introspect", withClient({ token: next }))).body.active).toBe(false);

    // A rotated refresh token used again is refused, and its family revoked.
    const reused = await postForm(
      server,
      "/oauth2/token",
      withClient({ grant_type: "refresh_token", refresh_token: tokens.refresh_token! }),
    );
    expect(reused.body.error).toBe("invalid_grant");
    const rotated = refreshed.body.refresh_token as string;
    expect((await postForm(server, "/oauth2/introspect", withClient({ token: rotated }))).body.active).toBe(false);
  });

  test("consents are listed with the 1.6 rows; linking a resource twice is idempotent (regression: the component's duplicate error did not read as a unique violation)", async () => {
    const consents = await get("/oauth2/get-consents", session);
    expect(consents.status).toBe(200);
    const byClient = Object.fromEntries(
      (consents.body as unknown as { clientId: string }[]).map((c) => [c.clientId, c]),
    );
    expect(byClient[client.clientId]).toMatchObject({ userId, scopes: expect.arrayContaining(["openid"]) });
    expect(byClient["legacy-client"]).toMatchObject({ userId, scopes: "openid profile" });

    type AdminApi = {
      adminCreateOAuthResource: (input: { body: Record<string, unknown>; headers: Headers }) => Promise<unknown>;
      adminLinkClientResource: (input: {
        params: Record<string, string>;
        headers: Headers;
      }) => Promise<Record<string, unknown>>;
    };
    const admin = auth.api as unknown as AdminApi;
    const identifier = `${ORIGIN}/api/reports`;
    await admin.adminCreateOAuthResource({ body: { identifier, name: "Reports" }, headers: session });
    const params = { identifier: encodeURIComponent(identifier), client_id: client.clientId };
    const first = await admin.adminLinkClientResource({ params, headers: session });
    const second = await admin.adminLinkClientResource({ params, headers: session });
    expect(first).not.toMatchObject({ alreadyLinked: true });
    expect(second).toMatchObject({ alreadyLinked: true });
    const links = await harness.t.run(
      async (ctx) =>
        await ctx.db
          .query("oauthClientResource")
          .withIndex("clientId_resourceId", (q) => q.eq("clientId", client.clientId).eq("resourceId", identifier))
          .collect(),
    );
    expect(links).toHaveLength(1);
  });

  test("/convex/token still serves the first-party session, signed with the Convex key", async () => {
    const { status, body } = await get("/convex/token", session);
    expect(status).toBe(200);
    const token = body.token as string;
    expect(decodeJwt(token)).toMatchObject({ iss: SITE, aud: "convex", sub: userId });
    const convexKids = ((await get("/convex/jwks")).body as JSONWebKeySet).keys.map((key) => key.kid);
    const jwtKids = ((await get("/jwks")).body as JSONWebKeySet).keys.map((key) => key.kid);
    expect(convexKids).toContain(decodeProtectedHeader(token).kid);
    expect(convexKids.filter((kid) => jwtKids.includes(kid))).toEqual([]);
  });

  test("no call scans", () => {
    harness.expectNoScans([{ model: "jwks" }, { model: "oauthResource" }]);
  });
});
