// @vitest-environment node
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createConvexTokenGetter } from "./convex-token-getter.js";
import { resolveServerOptions, type JwtCacheOptions } from "./server-options.js";
import { startTestHttpServer, type TestHttpServer } from "./test-http-server.js";

type KeyPair = { privateKey: CryptoKey; jwk: JWK };

async function keyPair(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

let deployment: KeyPair;
let attacker: KeyPair;
let server: TestHttpServer;
let tokenResponses: (() => Response)[] = [];
// What the deployment's JWKS endpoint answers (keys can rotate mid-test).
let jwksResponse: () => Response;

const publish = (...keys: KeyPair[]) => {
  jwksResponse = () => Response.json({ keys: keys.map((key) => key.jwk) });
};

beforeAll(async () => {
  deployment = await keyPair("deployment-key");
  publish(deployment);
  // Same kid as the deployment's key: only the signature tells them apart.
  attacker = await keyPair("deployment-key");
  server = await startTestHttpServer(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/api/auth/convex/jwks") return jwksResponse();
    if (pathname === "/api/auth/convex/token")
      return tokenResponses.shift()?.() ?? Response.json({ token: "fresh-token" });
    return new Response("not found", { status: 404 });
  });
});

afterAll(() => server.close());

afterEach(() => {
  server.requests.length = 0;
  tokenResponses = [];
  publish(deployment);
  vi.useRealTimers();
});

type Claims = { iss?: string; aud?: string; sub?: string | null; expiresInSeconds?: number; key?: KeyPair };

async function sign(claims: Claims = {}): Promise<string> {
  const key = claims.key ?? deployment;
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ sessionId: "s1" }).setProtectedHeader({ alg: "RS256", kid: key.jwk.kid! });
  if (claims.sub !== null) jwt.setSubject(claims.sub ?? "user-1");
  return jwt
    .setIssuer(claims.iss ?? server.url)
    .setAudience(claims.aud ?? "convex")
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (claims.expiresInSeconds ?? 900))
    .sign(key.privateKey);
}

function getter(jwtCache?: JwtCacheOptions, options: { cookiePrefix?: string } = {}) {
  const logger = { error: vi.fn() };
  const getToken = createConvexTokenGetter(
    resolveServerOptions({
      convexUrl: "https://happy-otter-123.convex.cloud",
      convexSiteUrl: server.url,
      ...(jwtCache ? { jwtCache } : {}),
      ...options,
    }),
    { logger },
  );
  return { getToken, logger };
}

function cookieHeaders(cookie: string, extra: Record<string, string> = {}): Headers {
  return new Headers({ cookie, host: "app.example.com", "x-forwarded-proto": "https", ...extra });
}

const tokenRequests = () => server.requests.filter((request) => request.url === "/api/auth/convex/token");
const jwksRequests = () => server.requests.filter((request) => request.url === "/api/auth/convex/jwks");

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

describe("createConvexTokenGetter: fresh tokens", () => {
  it("asks Convex with the request's cookies, the original origin and accept-encoding: identity", async () => {
    const { getToken } = getter();
    const result = await getToken(
      cookieHeaders("better-auth.session_token=abc.sig", {
        "accept-encoding": "gzip, br",
        "x-forwarded-host": "app.example.com",
        "x-better-auth-forwarded-host": "evil.example",
        authorization: "Bearer not-a-session",
      }),
    );
    expect(result).toEqual({ token: "fresh-token", source: "fresh" });
    const [seen] = tokenRequests();
    expect(seen?.method).toBe("GET");
    expect(seen?.headers.cookie).toBe("better-auth.session_token=abc.sig");
    expect(seen?.headers["accept-encoding"]).toBe("identity");
    expect(seen?.headers["x-better-auth-forwarded-host"]).toBe("app.example.com");
    expect(seen?.headers["x-better-auth-forwarded-proto"]).toBe("https");
    expect(seen?.headers["x-forwarded-host"]).toBeUndefined();
    expect(seen?.headers.authorization).toBeUndefined();
  });

  it("skips the request when there are no cookies", async () => {
    const { getToken } = getter();
    expect(await getToken(new Headers({ host: "app.example.com" }))).toBeUndefined();
    expect(server.requests).toHaveLength(0);
  });

  it("returns undefined without logging when there is no session (401)", async () => {
    tokenResponses.push(() => Response.json({ code: "SESSION_REQUIRED" }, { status: 401 }));
    const { getToken, logger } = getter();
    expect(await getToken(cookieHeaders("better-auth.session_token=gone"))).toBeUndefined();
    expect(logger.error).not.toHaveBeenCalled();
  });

  it("returns undefined and logs TOKEN_REQUEST_FAILED on a server error", async () => {
    tokenResponses.push(() => new Response("boom", { status: 500 }));
    const { getToken, logger } = getter();
    expect(await getToken(cookieHeaders("better-auth.session_token=abc"))).toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining("[TOKEN_REQUEST_FAILED]"));
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining("500"));
  });
});

describe("createConvexTokenGetter: jwtCache", () => {
  it("uses a convex_jwt cookie that verifies against the deployment's JWKS", async () => {
    const token = await sign();
    const { getToken } = getter({ enabled: true });
    expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${token}`))).toEqual({ token, source: "cookie" });
    expect(tokenRequests()).toHaveLength(0);
    expect(server.requests.map((request) => request.url)).toEqual(["/api/auth/convex/jwks"]);
  });

  it("finds the __Secure- cookie and honours cookiePrefix", async () => {
    const token = await sign();
    const { getToken } = getter({ enabled: true }, { cookiePrefix: "my-app" });
    expect(await getToken(cookieHeaders(`__Secure-my-app.convex_jwt=${token}`))).toEqual({ token, source: "cookie" });
    expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${token}`))).toEqual({
      token: "fresh-token",
      source: "fresh",
    });
  });

  it("never uses an expired cookie", async () => {
    const token = await sign({ expiresInSeconds: -1 });
    const { getToken } = getter({ enabled: true, expirationToleranceSeconds: 0 });
    expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${token}`))).toEqual({
      token: "fresh-token",
      source: "fresh",
    });
    expect(tokenRequests()).toHaveLength(1);
  });

  it("never uses a cookie signed by another key, even with the deployment's kid", async () => {
    const token = await sign({ key: attacker });
    const { getToken } = getter({ enabled: true });
    expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${token}`))).toEqual({
      token: "fresh-token",
      source: "fresh",
    });
  });

  it("never uses a cookie with another issuer or audience", async () => {
    const { getToken } = getter({ enabled: true });
    for (const token of [await sign({ iss: "https://other.convex.site" }), await sign({ aud: "not-convex" })]) {
      expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${token}`))).toEqual({
        token: "fresh-token",
        source: "fresh",
      });
    }
  });

  it("never uses a cookie that is not a JWT", async () => {
    const { getToken } = getter({ enabled: true });
    expect(await getToken(cookieHeaders("better-auth.convex_jwt=garbage"))).toEqual({
      token: "fresh-token",
      source: "fresh",
    });
  });

  it("refreshes early within the tolerance: the tolerance only shortens a token's life", async () => {
    const token = await sign({ expiresInSeconds: 30 });
    const headers = cookieHeaders(`better-auth.convex_jwt=${token}`);
    expect(await getter({ enabled: true, expirationToleranceSeconds: 60 }).getToken(headers)).toMatchObject({
      source: "fresh",
    });
    expect(await getter({ enabled: true, expirationToleranceSeconds: 10 }).getToken(headers)).toEqual({
      token,
      source: "cookie",
    });
    // The default tolerance (60 s) refreshes it too.
    expect(await getter({ enabled: true }).getToken(headers)).toMatchObject({ source: "fresh" });
  });

  it("does not let a negative tolerance extend an expired token's life", async () => {
    const token = await sign({ expiresInSeconds: -30 });
    const { getToken } = getter({ enabled: true, expirationToleranceSeconds: -3600 });
    expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${token}`))).toMatchObject({ source: "fresh" });
  });

  it("ignores the cookie when forceRefresh is set or jwtCache is off", async () => {
    const token = await sign();
    const headers = cookieHeaders(`better-auth.convex_jwt=${token}`);
    expect(await getter({ enabled: true }).getToken(headers, { forceRefresh: true })).toMatchObject({
      source: "fresh",
    });
    expect(await getter({ enabled: false }).getToken(headers)).toMatchObject({ source: "fresh" });
    expect(tokenRequests()).toHaveLength(2);
  });

  it("is on by default: a verified cookie costs no /convex/token round trip, and the JWKS is downloaded once for many requests", async () => {
    const { getToken } = getter();
    for (let i = 0; i < 5; i++) {
      const token = await sign({ sub: `user-${i}` });
      expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${token}`))).toEqual({ token, source: "cookie" });
    }
    expect(tokenRequests()).toHaveLength(0);
    expect(jwksRequests()).toHaveLength(1);
  });

  it("never uses an expired cookie with the default tolerance, not even within Convex's 5 s clock skew", async () => {
    const { getToken } = getter();
    for (const expiresInSeconds of [-3600, -2]) {
      const token = await sign({ expiresInSeconds });
      expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${token}`))).toEqual({
        token: "fresh-token",
        source: "fresh",
      });
    }
  });

  it("never uses an unsigned cookie (alg: none)", async () => {
    const { getToken } = getter();
    const claims = claimsOf(await sign());
    for (const header of [
      { alg: "none", typ: "JWT" },
      { alg: "none", kid: "deployment-key" },
      { alg: "None", kid: "deployment-key" },
    ]) {
      for (const signature of ["", "AAAA"]) {
        const token = `${base64url(header)}.${base64url(claims)}.${signature}`;
        expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${token}`))).toEqual({
          token: "fresh-token",
          source: "fresh",
        });
      }
    }
  });

  it("never uses a cookie whose payload was altered after signing", async () => {
    const { getToken } = getter();
    const [header, , signature] = (await sign()).split(".");
    for (const change of [
      { sub: "someone-else" },
      { sessionId: "another-session" },
      { exp: Math.floor(Date.now() / 1000) + 86_400 },
    ]) {
      const token = `${header}.${base64url({ ...claimsOf(await sign()), ...change })}.${signature}`;
      expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${token}`))).toEqual({
        token: "fresh-token",
        source: "fresh",
      });
    }
  });

  it("never uses a cookie HMAC-signed with the deployment's public key (algorithm confusion)", async () => {
    const { getToken } = getter();
    const now = Math.floor(Date.now() / 1000);
    for (const secret of [JSON.stringify(deployment.jwk), deployment.jwk.n!]) {
      const token = await new SignJWT({ sessionId: "s1" })
        .setProtectedHeader({ alg: "HS256", kid: "deployment-key" })
        .setSubject("user-1")
        .setIssuer(server.url)
        .setAudience("convex")
        .setIssuedAt(now)
        .setExpirationTime(now + 900)
        .sign(new TextEncoder().encode(secret));
      expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${token}`))).toEqual({
        token: "fresh-token",
        source: "fresh",
      });
    }
  });

  it("never uses a cookie without a subject (Convex would refuse it)", async () => {
    const token = await sign({ sub: null });
    expect(await getter().getToken(cookieHeaders(`better-auth.convex_jwt=${token}`))).toMatchObject({
      source: "fresh",
    });
  });

  it("falls back to a fresh token when the JWKS cannot be downloaded", async () => {
    jwksResponse = () => new Response("unavailable", { status: 503 });
    const token = await sign();
    expect(await getter().getToken(cookieHeaders(`better-auth.convex_jwt=${token}`))).toEqual({
      token: "fresh-token",
      source: "fresh",
    });
  });

  it("follows key rotation: an unknown kid refetches the JWKS at most once per 30 s, and a removed key stops verifying", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const rotated = await keyPair("rotated-key");
    const { getToken } = getter();
    const before = await sign();
    expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${before}`))).toEqual({
      token: before,
      source: "cookie",
    });
    expect(jwksRequests()).toHaveLength(1);

    publish(rotated);
    // Right after a download, an unknown kid does not trigger another one
    // (forged kids cannot make every request fetch the JWKS): fresh token.
    const after = await sign({ key: rotated });
    expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${after}`))).toMatchObject({ source: "fresh" });
    expect(jwksRequests()).toHaveLength(1);

    vi.setSystemTime(Date.now() + 31_000);
    const later = await sign({ key: rotated });
    expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${later}`))).toEqual({
      token: later,
      source: "cookie",
    });
    expect(jwksRequests()).toHaveLength(2);
    // The old key left the JWKS: its still-unexpired cookies no longer verify.
    const old = await sign();
    expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${old}`))).toMatchObject({ source: "fresh" });
  });

  it("notices a removed key within 10 minutes even when no unknown kid comes along", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { getToken } = getter();
    expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${await sign()}`))).toMatchObject({ source: "cookie" });
    publish(await keyPair("replacement-key"));
    vi.setSystemTime(Date.now() + 10 * 60 * 1000 + 1000);
    expect(await getToken(cookieHeaders(`better-auth.convex_jwt=${await sign()}`))).toMatchObject({ source: "fresh" });
    expect(jwksRequests()).toHaveLength(2);
  });
});
