// @vitest-environment node
/**
 * `@better-auth/sso` (OIDC) on the bundled component, against a real OpenID
 * provider on loopback: register a provider, sign in by email domain and by
 * provider id through the authorization-code flow, and end with a session
 * and an account for that provider. The schema is bundled; the plugin itself
 * needs Node built-ins (plugins-runtime.bundle.test.ts), so on Convex it runs
 * only where Node does.
 */
import { sso } from "@better-auth/sso";
import { betterAuth } from "better-auth";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cookieHeaders, createPluginsHarness } from "../test-utils/plugins-harness.js";
import { startOidcProvider } from "../test-utils/oidc-provider.js";

const SEEDED = 200;

describe("@better-auth/sso (OIDC) on the bundled component", () => {
  let idp: Awaited<ReturnType<typeof startOidcProvider>>;
  let auth: ReturnType<typeof makeAuth>;
  const harness = createPluginsHarness();
  const { t } = harness;

  function makeAuth(issuer: string) {
    return betterAuth({
      ...harness.options,
      // The SSRF guard refuses loopback IdPs unless they are trusted.
      trustedOrigins: [new URL(issuer).origin],
      plugins: [sso()],
    });
  }

  beforeAll(async () => {
    idp = await startOidcProvider({ sub: "grace-1", email: "grace@acme.test", name: "Grace Hopper" });
    auth = makeAuth(idp.issuer);
    await harness.seedUsers(SEEDED);
  }, 60_000);

  afterAll(async () => {
    await idp?.stop();
  });

  // The browser's part: follow the IdP's redirect back, then the callback.
  async function completeSignIn(url: string, state: Headers) {
    const atIdp = await fetch(url, { redirect: "manual" });
    expect(atIdp.status).toBe(302);
    const back = new URL(atIdp.headers.get("location")!);
    expect(back.searchParams.get("code")).toBeTruthy();
    const callback = await auth.handler(new Request(back, { headers: state }));
    expect(callback.status, await callback.clone().text()).toBe(302);
    expect(callback.headers.get("location")).toBe("/dashboard");
    return cookieHeaders(callback);
  }

  test("registers a provider and signs in through it, by email domain and by provider id", async () => {
    const admin = await auth.api.signUpEmail({
      body: { name: "Admin", email: "admin@example.com", password: "correct horse 1" },
      asResponse: true,
    });
    const adminHeaders = cookieHeaders(admin);
    const provider = await auth.api.registerSSOProvider({
      headers: adminHeaders,
      body: {
        providerId: "acme",
        issuer: idp.issuer,
        domain: "acme.test",
        oidcConfig: {
          clientId: "acme-client",
          clientSecret: "acme-secret",
          discoveryEndpoint: `${idp.issuer}/.well-known/openid-configuration`,
          pkce: true,
        },
      },
    });
    expect(provider.providerId).toBe("acme");

    const byEmail = await auth.api.signInSSO({
      body: { email: "grace@acme.test", callbackURL: "/dashboard" },
      asResponse: true,
    });
    const { url } = (await byEmail.json()) as { url: string };
    expect(url.startsWith(idp.issuer)).toBe(true);
    const session = await auth.api.getSession({ headers: await completeSignIn(url, cookieHeaders(byEmail)) });
    expect(session?.user).toMatchObject({ email: "grace@acme.test", name: "Grace Hopper" });
    const accounts = await t.run((ctx) => ctx.db.query("account").collect());
    expect(accounts.filter((account) => account.providerId === "acme")).toHaveLength(1);

    // Again by provider id: the same user and account, no duplicate.
    const byId = await auth.api.signInSSO({
      body: { providerId: "acme", callbackURL: "/dashboard" },
      asResponse: true,
    });
    const again = await auth.api.getSession({
      headers: await completeSignIn(((await byId.json()) as { url: string }).url, cookieHeaders(byId)),
    });
    expect(again?.user.id).toBe(session?.user.id);
    expect(
      (await t.run((ctx) => ctx.db.query("account").collect())).filter((a) => a.providerId === "acme"),
    ).toHaveLength(1);

    // Every SSO query uses an index: a scan would read the seeded users.
    // listSSOProviders reads the whole (small) provider table, as jwks is read.
    harness.expectNoScans([{ model: "ssoProvider" }]);
  });
});
