import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AuthProviderConfig } from "../engine/types.ts";
import {
  makeSigningKey,
  signToken,
  startLocalIdentityProvider,
  type LocalIdentityProvider,
  type TestSigningKey,
} from "../test-fixtures/local-identity-provider.ts";
import { authenticateToken, clearHttpCache, resetKidMissRateLimit } from "./index.ts";

let idp: LocalIdentityProvider;
let key1: TestSigningKey;
let providers: AuthProviderConfig[];
const now = Math.floor(Date.now() / 1000);

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

async function rejection(
  token: string,
  list = providers,
  options: { now?: number } = {},
): Promise<{ code: string; status: number; message: string }> {
  const error = await authenticateToken(token, list, options).then(
    () => null,
    (e: unknown) => e as { code: string; status: number; message: string },
  );
  if (error === null) throw new Error("the token was accepted");
  return { code: error.code, status: error.status, message: error.message };
}

beforeAll(async () => {
  key1 = await makeSigningKey("key-1");
  idp = await startLocalIdentityProvider([key1]);
  providers = [
    { type: "customJwt", issuer: idp.url, jwks: idp.jwksUrl, algorithm: "RS256", applicationID: "app" },
    { domain: `${idp.url}/oidc-missing`, applicationID: "broken-oidc" },
    { domain: idp.url, applicationID: "oidc-app" },
  ];
});

afterAll(async () => {
  await idp?.close();
});

beforeEach(() => {
  clearHttpCache();
  resetKidMissRateLimit();
  idp.keys = [key1];
  idp.jwksHeaders = {};
});

const claims = () => ({ iss: idp.url, sub: "user-1", aud: "app", iat: now, exp: now + 600 });

describe("custom JWT providers", () => {
  it("verifies an RS256 token and maps its claims to the UserIdentity", async () => {
    const token = await signToken(key1, {
      ...claims(),
      jti: "j1",
      name: "Ada",
      email: "ada@example.com",
      email_verified: true,
      roles: ["admin", "dev"],
      properties: { id: 7, team: { name: "core" } },
    });
    const caller = await authenticateToken(token, providers);
    expect(caller).toEqual({
      kind: "user",
      identity: {
        tokenIdentifier: `${idp.url}|user-1`,
        subject: "user-1",
        issuer: idp.url,
        name: "Ada",
        email: "ada@example.com",
        email_verified: true,
        roles: ["admin", "dev"],
        "properties.id": 7,
        "properties.team.name": "core",
      },
    });
  });

  it("accepts a token from a data: URI JWKS (ES256, no applicationID)", async () => {
    const key = await makeSigningKey("data-key", "ES256");
    const jwks = `data:text/plain;charset=utf-8;base64,${Buffer.from(JSON.stringify({ keys: [key.publicJwk] })).toString("base64")}`;
    const list: AuthProviderConfig[] = [
      { type: "customJwt", issuer: "https://data.example", jwks, algorithm: "ES256" },
    ];
    const token = await signToken(key, { iss: "https://data.example/", sub: "d1", exp: now + 60 });
    const caller = await authenticateToken(token, list);
    expect(caller.identity).toEqual({
      tokenIdentifier: "https://data.example/|d1",
      subject: "d1",
      issuer: "https://data.example/",
    });
  });

  it("allows 5 s of clock skew and rejects expired or not-yet-valid tokens with the backend's messages", async () => {
    const token = await signToken(key1, { ...claims(), exp: now - 3 });
    await expect(authenticateToken(token, providers, { now: now * 1000 })).resolves.toMatchObject({ kind: "user" });
    const expired = await signToken(key1, { ...claims(), exp: now - 10 });
    expect(await rejection(expired, providers, { now: now * 1000 })).toEqual({
      code: "InvalidAuthHeader",
      status: 401,
      message: "Could not validate token: Token expired 10 seconds ago",
    });
    const early = await signToken(key1, { ...claims(), nbf: now + 60 });
    expect((await rejection(early, providers, { now: now * 1000 })).message).toBe(
      "Could not validate token: Token will be valid in 60 seconds",
    );
  });

  it("rejects tampered, alg:none, HS256-with-public-key and unknown-key tokens", async () => {
    const kidMessage = (kid: string) =>
      `Could not decode token. The JWT's 'kid' (key ID) header is '${kid}', does this key match any key in the provider's JWKS?`;
    const [header, , signature] = (await signToken(key1, claims())).split(".");
    const tampered = `${header}.${base64url({ ...claims(), sub: "someone-else" })}.${signature}`;
    expect(await rejection(tampered)).toEqual({ code: "InvalidAuthHeader", status: 401, message: kidMessage("key-1") });

    const none = `${base64url({ alg: "none", typ: "JWT", kid: "key-1" })}.${base64url(claims())}.`;
    expect((await rejection(none)).message).toBe(kidMessage("key-1"));

    const { createHmac } = await import("node:crypto");
    const hsHeader = base64url({ alg: "HS256", typ: "JWT", kid: "key-1" });
    const hsPayload = base64url(claims());
    for (const secret of [JSON.stringify(key1.publicJwk), key1.publicJwk.n!]) {
      const mac = createHmac("sha256", secret).update(`${hsHeader}.${hsPayload}`).digest("base64url");
      expect((await rejection(`${hsHeader}.${hsPayload}.${mac}`)).message).toBe(kidMessage("key-1"));
    }

    const stranger = await makeSigningKey("key-9");
    expect((await rejection(await signToken(stranger, claims()))).message).toBe(kidMessage("key-9"));
    const sameKidOtherKey = await makeSigningKey("key-1");
    expect((await rejection(await signToken(sameKidOtherKey, claims()))).message).toBe(kidMessage("key-1"));
    expect((await rejection(await signToken(key1, claims(), { kid: null }))).message).toBe(
      "Could not decode token. JWT may be missing a 'kid' (key ID) header.",
    );
  });

  it("rejects wrong issuers and audiences with NoAuthProvider, listing the providers", async () => {
    const expected = {
      code: "NoAuthProvider",
      status: 401,
      message:
        "No auth provider found matching the given token. Check that your JWT's issuer and audience match one of your " +
        `configured providers: [CustomJWT(issuer=${idp.url}, app_id=app), OIDC(domain=${idp.url}/oidc-missing, app_id=broken-oidc), ` +
        `OIDC(domain=${idp.url}, app_id=oidc-app)]`,
    };
    expect(await rejection(await signToken(key1, { ...claims(), iss: "https://evil.example" }))).toEqual(expected);
    expect(await rejection(await signToken(key1, { ...claims(), aud: "other-app" }))).toEqual(expected);
    expect(await rejection(await signToken(key1, { ...claims(), aud: undefined }))).toEqual(expected);
    expect((await rejection(await signToken(key1, claims()), [])).message).toBe(
      "No auth provider found matching the given token (no providers configured). Check convex/auth.config.ts.",
    );
  });

  it("rejects malformed tokens and missing claims", async () => {
    expect(await rejection("not-a-jwt")).toMatchObject({
      code: "InvalidAuthHeader",
      status: 401,
      message:
        "Could not parse JWT payload. Check that the token is a valid JWT format with three base64-encoded parts separated by dots.",
    });
    expect((await rejection(await signToken(key1, { ...claims(), iss: undefined }))).message).toMatch(
      /^Missing issuer claim \('iss'\) in JWT payload\./,
    );
    expect((await rejection(await signToken(key1, { ...claims(), sub: undefined }))).message).toBe("Missing subject");
    expect((await rejection(await signToken(key1, { ...claims(), exp: undefined }))).message).toBe("Missing expiry");
  });

  it("picks up rotated keys: new tokens verify, tokens of the removed key don't, and refetches are rate-limited", async () => {
    idp.jwksHeaders = { "cache-control": "public, max-age=300" };
    expect((await authenticateToken(await signToken(key1, claims()), providers)).identity.subject).toBe("user-1");
    expect(idp.hits.get("/jwks.json")).toBeGreaterThan(0);
    const before = idp.hits.get("/jwks.json")!;
    // Cached: a second token needs no fetch.
    await authenticateToken(await signToken(key1, { ...claims(), sub: "user-2" }), providers);
    expect(idp.hits.get("/jwks.json")).toBe(before);

    const key2 = await makeSigningKey("key-2");
    idp.keys = [key2];
    expect((await authenticateToken(await signToken(key2, claims()), providers)).identity.subject).toBe("user-1");
    expect(idp.hits.get("/jwks.json")).toBe(before + 1);
    expect((await rejection(await signToken(key1, claims()))).message).toContain("'key-1'");
    const unknown = await makeSigningKey("made-up");
    await rejection(await signToken(unknown, claims()));
    // Both misses came within the rate limit window of the rotation refetch.
    expect(idp.hits.get("/jwks.json")).toBe(before + 1);
  });

  it("reports JWKS fetch failures", async () => {
    const list: AuthProviderConfig[] = [
      { type: "customJwt", issuer: idp.url, jwks: `${idp.url}/nope.json`, algorithm: "RS256", applicationID: "app" },
    ];
    expect((await rejection(await signToken(key1, claims()), list)).message).toBe(
      `Could not fetch JWKS from URL '${idp.url}/nope.json': HTTP 404 Not Found. Check that the \`jwks\` URL in convex/auth.config.ts is correct and reachable.`,
    );
  });
});

describe("OIDC providers", () => {
  const oidcClaims = () => ({ iss: idp.url, sub: "oidc-user", aud: "oidc-app", iat: now, exp: now + 600 });

  it("discovers the JWKS from the issuer and maps the standard claims", async () => {
    const token = await signToken(key1, {
      ...oidcClaims(),
      name: "Grace Hopper",
      given_name: "Grace",
      family_name: "Hopper",
      email: "grace@example.com",
      email_verified: true,
      picture: "https://example.com/g.png",
      locale: "en-US",
      address: { formatted: "1 Navy Way" },
      updated_at: 1700000000,
      jti: "dropped",
      nbf: now - 1,
      org: { id: "o1" },
    });
    const caller = await authenticateToken(token, providers);
    expect(caller.identity).toEqual({
      tokenIdentifier: `${idp.url}|oidc-user`,
      subject: "oidc-user",
      issuer: idp.url,
      name: "Grace Hopper",
      givenName: "Grace",
      familyName: "Hopper",
      email: "grace@example.com",
      emailVerified: true,
      pictureUrl: "https://example.com/g.png",
      language: "en-US",
      address: "1 Navy Way",
      updatedAt: "2023-11-14T22:13:20+00:00",
      org: { id: "o1" },
    });
    expect(idp.hits.get("/.well-known/openid-configuration")).toBeGreaterThan(0);
  });

  it("rejects expired, ES256-signed, multi-audience and incomplete OIDC tokens", async () => {
    const verifyFailed =
      "Could not verify OIDC token claim. Check that the token signature is valid and the token hasn't expired.";
    // No leeway for OIDC.
    expect(
      await rejection(await signToken(key1, { ...oidcClaims(), exp: now - 1 }), providers, { now: now * 1000 }),
    ).toEqual({
      code: "InvalidAuthHeader",
      status: 401,
      message: verifyFailed,
    });
    const ecKey = await makeSigningKey("ec", "ES256");
    idp.keys = [key1, ecKey];
    expect((await rejection(await signToken(ecKey, oidcClaims()))).message).toBe(verifyFailed);
    expect((await rejection(await signToken(key1, { ...oidcClaims(), aud: ["oidc-app", "other"] }))).message).toBe(
      verifyFailed,
    );
    expect((await rejection(await signToken(key1, { ...oidcClaims(), iat: undefined }))).message).toBe(
      "Could not parse as OIDC ID token. Token might not be an OIDC-compliant JWT.",
    );
  });

  it("reports a failed discovery", async () => {
    const token = await signToken(key1, { ...oidcClaims(), iss: `${idp.url}/oidc-missing`, aud: "broken-oidc" });
    expect(await rejection(token)).toEqual({
      code: "AuthProviderDiscoveryFailed",
      status: 404,
      message: `Auth provider discovery of ${idp.url}/oidc-missing failed: 404 not found`,
    });
  });
});
