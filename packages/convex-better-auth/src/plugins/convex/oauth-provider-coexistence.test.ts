/**
 * `convex()` next to `@better-auth/oauth-provider` (+ Better Auth's `jwt()`),
 * on a real Better Auth instance (memory adapter): first-party sessions keep
 * getting Convex tokens, the provider's tokens are no Convex identity unless
 * auth.config.ts opts in, and the two plugins' keys stay apart.
 */
import { oauthProvider } from "@better-auth/oauth-provider";
import { symmetricEncrypt } from "better-auth/crypto";
import { jwt } from "better-auth/plugins";
import type { AuthConfig } from "convex/server";
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type JSONWebKeySet,
} from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { getAuthConfigProvider } from "../../auth-config/get-auth-config-provider.js";
import { convexSafeJwtAdapter } from "./convex-safe-jwt-adapter.js";
import { authorizationCodeFlow, registerPublicClient, type OAuthServer } from "../../test-utils/oauth-client-flow.js";
import {
  createCookieJar,
  createTestAuth,
  jwtCookie,
  send,
  signIn,
  signUp,
  TEST_BASE_URL,
  TEST_SECRET,
  TEST_SITE_URL,
  verifyWithJwks,
  type CookieJar,
} from "./test-auth.js";

const RESOURCE = "http://localhost:3000/api/resource";
const REDIRECT_URI = "https://client.example.com/cb";
const ISSUER = `${TEST_BASE_URL}/api/auth`;

beforeEach(() => {
  process.env.CONVEX_SITE_URL = TEST_SITE_URL;
});

const provider = () =>
  oauthProvider({
    loginPage: "/sign-in",
    consentPage: "/consent",
    scopes: ["openid", "profile", "email", "offline_access"],
    resources: [RESOURCE],
    clientRegistrationDefaultResources: [RESOURCE],
  });
const safeJwt = () => jwt({ jwks: { keyPairConfig: { alg: "ES256" } }, adapter: convexSafeJwtAdapter() });

function setup(options: { db?: Record<string, Record<string, unknown>[]> } = {}) {
  const { auth, db } = createTestAuth({ before: [safeJwt(), provider()], db: options.db });
  const server: OAuthServer = { origin: TEST_BASE_URL, basePath: "/api/auth", fetch: (r) => auth.handler(r) };
  return { auth, db, server };
}

type Auth = ReturnType<typeof setup>["auth"];

async function getJson<T>(auth: Auth, path: string, jar = createCookieJar()): Promise<T> {
  const response = await send(auth, jar, path);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

const kids = (set: JSONWebKeySet) => set.keys.map((key) => key.kid);

async function convexToken(auth: Auth, jar: CookieJar): Promise<string> {
  return (await getJson<{ token: string }>(auth, "/convex/token", jar)).token;
}

async function oauthTokens(auth: Auth, server: OAuthServer, jar: CookieJar, resource?: string) {
  const clientId = await registerPublicClient(server, { cookie: () => jar.header() }, REDIRECT_URI);
  return (
    await authorizationCodeFlow(
      server,
      { cookie: () => jar.header() },
      { clientId, redirectUri: REDIRECT_URI, resource },
    )
  ).tokens;
}

/**
 * What a Convex deployment does with a bearer JWT and its auth.config.ts
 * `customJwt` providers: pick the provider by `iss` and `aud`, then verify
 * the signature with that provider's algorithm and JWKS (fetched from this
 * Better Auth instance). Resolves to `sub`, or rejects with Convex's error
 * code.
 */
async function convexIdentity(auth: Auth, config: AuthConfig, token: string): Promise<string> {
  const claims = decodeJwt(token);
  const audiences = typeof claims.aud === "string" ? [claims.aud] : (claims.aud ?? []);
  const match = config.providers.find(
    (p) => "type" in p && p.type === "customJwt" && p.issuer === claims.iss && audiences.includes(p.applicationID!),
  ) as Extract<AuthConfig["providers"][number], { type: "customJwt" }> | undefined;
  if (!match) throw new Error("NoAuthProvider");
  const jwks = await getJson<JSONWebKeySet>(auth, new URL(match.jwks).pathname.replace(/^\/api\/auth/, ""));
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
    issuer: match.issuer,
    audience: match.applicationID,
    algorithms: [match.algorithm],
  }).catch(() => {
    throw new Error("InvalidAuthHeader");
  });
  return payload.sub!;
}

describe("/convex/token next to the OAuth provider", () => {
  it("keeps serving first-party sessions, and the convex_jwt cookie follows sign-in and sign-out, before and after an OAuth flow", async () => {
    const { auth, server } = setup();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    expect(jwtCookie(jar)).toBeTruthy();
    const { payload } = await verifyWithJwks(auth, await convexToken(auth, jar));
    expect(payload).toMatchObject({ iss: TEST_SITE_URL, aud: "convex" });

    const tokens = await oauthTokens(auth, server, jar, RESOURCE);
    expect(tokens.access_token).toBeTruthy();

    const { payload: after } = await verifyWithJwks(auth, await convexToken(auth, jar));
    expect(after.sub).toBe(payload.sub);
    await send(auth, jar, "/sign-out", {});
    expect(jwtCookie(jar)).toBeUndefined();
    expect((await send(auth, jar, "/convex/token")).status).toBe(401);
    await signIn(auth, jar, "ada@example.com");
    await verifyWithJwks(auth, jwtCookie(jar)!);
  });

  it("an in-process userinfo call with an OAuth access token is not mistaken for a session token", async () => {
    const { auth, server } = setup();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    // Without `resource`, the access token is opaque.
    const tokens = await oauthTokens(auth, server, jar);
    expect(tokens.access_token.split(".")).toHaveLength(1);
    // createTestAuth's type does not carry the provider's endpoints.
    const api = auth.api as unknown as { oauth2UserInfo: (input: { headers: Headers }) => Promise<unknown> };
    const info = await api.oauth2UserInfo({
      headers: new Headers({ authorization: `Bearer ${tokens.access_token}` }),
    });
    expect(info).toMatchObject({ email: "ada@example.com" });
  });
});

describe("Convex accepts the provider's tokens only when auth.config.ts says so", () => {
  it("refuses the OAuth access token and ID token with the default config, accepts the Convex token", async () => {
    const { auth, server } = setup();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    const userId = decodeJwt(await convexToken(auth, jar)).sub;
    const tokens = await oauthTokens(auth, server, jar, RESOURCE);
    const config: AuthConfig = { providers: [getAuthConfigProvider()] };

    expect(await convexIdentity(auth, config, await convexToken(auth, jar))).toBe(userId);
    await expect(convexIdentity(auth, config, tokens.access_token)).rejects.toThrow("NoAuthProvider");
    await expect(convexIdentity(auth, config, tokens.id_token!)).rejects.toThrow("NoAuthProvider");
    // Even a provider forged to match the OAuth token's iss and aud fails on the keys.
    const forged: AuthConfig = { providers: [{ ...getAuthConfigProvider(), issuer: ISSUER, applicationID: RESOURCE }] };
    await expect(convexIdentity(auth, forged, tokens.access_token)).rejects.toThrow("InvalidAuthHeader");
  });

  it("accepts the OAuth access token through an opt-in customJwt provider, and still not the ID token", async () => {
    const { auth, server } = setup();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    const userId = decodeJwt(await convexToken(auth, jar)).sub;
    const tokens = await oauthTokens(auth, server, jar, RESOURCE);
    const config: AuthConfig = {
      providers: [
        getAuthConfigProvider(),
        { type: "customJwt", issuer: ISSUER, algorithm: "ES256", jwks: `${ISSUER}/jwks`, applicationID: RESOURCE },
      ],
    };
    expect(await convexIdentity(auth, config, tokens.access_token)).toBe(userId);
    expect(await convexIdentity(auth, config, await convexToken(auth, jar))).toBe(userId);
    await expect(convexIdentity(auth, config, tokens.id_token!)).rejects.toThrow("NoAuthProvider");
  });
});

describe("the two key sets stay apart", () => {
  async function expectDisjoint(auth: Auth, server: OAuthServer, jar: CookieJar) {
    const tokens = await oauthTokens(auth, server, jar, RESOURCE);
    const convexKids = kids(await getJson<JSONWebKeySet>(auth, "/convex/jwks"));
    const jwtJwks = await getJson<JSONWebKeySet>(auth, "/jwks");
    const jwtKids = kids(jwtJwks);
    expect(convexKids.filter((kid) => jwtKids.includes(kid))).toEqual([]);
    expect(jwtJwks.keys.every((key) => key.alg === "ES256")).toBe(true);
    for (const token of [tokens.access_token, tokens.id_token!]) {
      const header = decodeProtectedHeader(token);
      expect(header.alg).toBe("ES256");
      expect(jwtKids).toContain(header.kid);
    }
    const convexHeader = decodeProtectedHeader(await convexToken(auth, jar));
    expect(convexKids).toContain(convexHeader.kid);
    expect(jwtKids).not.toContain(convexHeader.kid);
  }

  it("when the Convex key exists first (regression: jwt() signed OAuth tokens with the Convex key)", async () => {
    const { auth, db, server } = setup();
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    await convexToken(auth, jar);
    expect(db.jwks!.map((row) => row.alg)).toEqual(["RS256"]);
    await expectDisjoint(auth, server, jar);
  });

  it("when the jwt() key exists first", async () => {
    const { auth, db, server } = setup();
    await getJson(auth, "/jwks");
    expect(db.jwks!.map((row) => row.alg)).toEqual(["ES256"]);
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    await expectDisjoint(auth, server, jar);
  });

  it("a prior-art key without alg stays Convex's (regression: jwt() read it as its own algorithm and failed)", async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
    const encrypted = await symmetricEncrypt({ key: TEST_SECRET, data: JSON.stringify(await exportJWK(privateKey)) });
    const legacy = {
      id: "prior-art-rsa",
      publicKey: JSON.stringify(await exportJWK(publicKey)),
      privateKey: JSON.stringify(encrypted),
      createdAt: new Date(),
    };
    const { auth, server } = setup({ db: { jwks: [legacy] } });
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    expect(decodeProtectedHeader(await convexToken(auth, jar)).kid).toBe(legacy.id);
    await expectDisjoint(auth, server, jar);
    expect(kids(await getJson<JSONWebKeySet>(auth, "/convex/jwks"))).toEqual([legacy.id]);
  });
});

describe("convex() refuses a jwt() setup that mixes the keys", () => {
  it("JWT_PLUGIN_SHARES_CONVEX_KEYS: jwt() without convexSafeJwtAdapter() next to the OAuth provider", async () => {
    const { auth } = createTestAuth({ before: [jwt({ jwks: { keyPairConfig: { alg: "ES256" } } }), provider()] });
    await expect(auth.$context).rejects.toMatchObject({ code: "JWT_PLUGIN_SHARES_CONVEX_KEYS" });
  });

  it("JWT_PLUGIN_ALG_CONFLICT: jwt() creating RS256 keys, with or without the adapter", async () => {
    for (const adapter of [undefined, convexSafeJwtAdapter()]) {
      const { auth } = createTestAuth({ before: [jwt({ jwks: { keyPairConfig: { alg: "RS256" } }, adapter })] });
      await expect(auth.$context).rejects.toMatchObject({ code: "JWT_PLUGIN_ALG_CONFLICT" });
    }
  });

  it("only warns about jwt() alone, which apps already run next to convex()", async () => {
    const warnings: string[] = [];
    const { auth } = createTestAuth({
      before: [jwt()],
      auth: {
        logger: { level: "warn", log: (level, message) => void (level === "warn" && warnings.push(message)) },
      },
    });
    await auth.$context;
    expect(warnings.join("\n")).toContain("JWT_PLUGIN_SHARES_CONVEX_KEYS");
  });
});
