/**
 * The loopback OAuth/OIDC provider the browser tests sign in through
 * (support/oauth-mock-provider.mjs): consent, code + PKCE, client
 * authentication, a signed id_token for the configured user.
 */
import assert from "node:assert/strict";
import { createHash, createPublicKey, randomBytes, verify } from "node:crypto";
import { after, before, test } from "node:test";
import { startOAuthMockProvider } from "../support/oauth-mock-provider.mjs";

const REDIRECT_URI = "http://127.0.0.1:9/api/auth/oauth2/callback/mock";

let provider;
let discovery;

before(async () => {
  provider = await startOAuthMockProvider({ user: { name: "Grace Hopper", email: "grace@example.com" } });
  discovery = await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json();
});

after(async () => {
  await provider?.stop();
});

function authorizeParams(verifier) {
  return new URLSearchParams({
    response_type: "code",
    client_id: provider.clientId,
    redirect_uri: REDIRECT_URI,
    scope: "openid email profile",
    state: "state-123",
    nonce: "nonce-456",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  });
}

/** Submits the consent form the way a browser does and returns where the provider sends the browser. */
async function decide(params, decision) {
  const response = await fetch(`${provider.issuer}/authorize`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...Object.fromEntries(params), decision }),
  });
  assert.ok([302, 303].includes(response.status), `redirect after consent, got ${response.status}`);
  return new URL(response.headers.get("location"));
}

/** Checks an RS256 id_token against the provider's published JWKS and returns its claims. */
async function verifyIdToken(jwt) {
  const [header, payload, signature] = jwt.split(".");
  const { kid, alg } = JSON.parse(Buffer.from(header, "base64url").toString());
  assert.equal(alg, "RS256");
  const { keys } = await (await fetch(discovery.jwks_uri)).json();
  const jwk = keys.find((key) => key.kid === kid);
  assert.ok(jwk, "the signing key is published");
  const valid = verify(
    "sha256",
    Buffer.from(`${header}.${payload}`),
    createPublicKey({ key: jwk, format: "jwk" }),
    Buffer.from(signature, "base64url"),
  );
  assert.ok(valid, "id_token signature verifies");
  return JSON.parse(Buffer.from(payload, "base64url").toString());
}

test("discovery advertises the consent page and secret-based client authentication", () => {
  assert.equal(discovery.issuer, provider.issuer);
  assert.equal(discovery.authorization_endpoint, `${provider.issuer}/authorize`);
  assert.ok(discovery.token_endpoint_auth_methods_supported.includes("client_secret_basic"));
  assert.equal(provider.discoveryRequests(), 1, "the one fetch in before() is counted");
});

test("GET /authorize shows a consent page with a POST form, not a redirect", async () => {
  const response = await fetch(`${discovery.authorization_endpoint}?${authorizeParams("v".repeat(43))}`, {
    redirect: "manual",
  });
  assert.equal(response.status, 200);
  const html = await response.text();
  assert.match(html, /<form method="post" action="\/authorize">/);
  assert.match(html, /Grace Hopper/);
  assert.match(html, /value="allow">Allow</);
});

test("an unknown client gets no consent page", async () => {
  const params = authorizeParams("v".repeat(43));
  params.set("client_id", "someone-else");
  const response = await fetch(`${discovery.authorization_endpoint}?${params}`, { redirect: "manual" });
  assert.equal(response.status, 400);
});

test("Deny sends the browser back with access_denied", async () => {
  const location = await decide(authorizeParams("v".repeat(43)), "deny");
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI);
  assert.equal(location.searchParams.get("error"), "access_denied");
  assert.equal(location.searchParams.get("state"), "state-123");
});

test("Allow, then the code exchange with PKCE gives an id_token for the user, verifiable by the JWKS", async () => {
  const verifier = randomBytes(32).toString("base64url");
  const location = await decide(authorizeParams(verifier), "allow");
  assert.equal(location.searchParams.get("state"), "state-123");
  const code = location.searchParams.get("code");
  assert.ok(code);

  const exchange = (clientSecret) =>
    fetch(discovery.token_endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${provider.clientId}:${clientSecret}`).toString("base64")}`,
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      }),
    });

  const tokens = await (await exchange(provider.clientSecret)).json();
  const payload = await verifyIdToken(tokens.id_token);
  assert.equal(payload.iss, provider.issuer);
  assert.equal(payload.aud, provider.clientId);
  assert.equal(payload.nonce, "nonce-456");
  assert.equal(payload.sub, provider.user.sub);
  assert.equal(payload.email, "grace@example.com");
  assert.equal(payload.name, "Grace Hopper");

  const userinfo = await (
    await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } })
  ).json();
  assert.deepEqual(userinfo, {
    sub: provider.user.sub,
    email: "grace@example.com",
    email_verified: true,
    name: "Grace Hopper",
  });
});

test("the token endpoint refuses a wrong client secret", async () => {
  const response = await fetch(discovery.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: "x",
      client_id: provider.clientId,
      client_secret: "wrong",
    }),
  });
  assert.equal(response.status, 401);
  assert.equal((await response.json()).error, "invalid_client");
});
