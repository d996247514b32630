// @vitest-environment node
import { getRequestHeaders } from "@tanstack/react-start/server";
import { makeFunctionReference } from "convex/server";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startTestHttpServer, type TestHttpServer } from "../server-core/test-http-server.js";
import { convexBetterAuthReactStart } from "./convex-better-auth-react-start.js";

vi.mock("@tanstack/react-start/server", () => ({ getRequestHeaders: vi.fn() }));

let site: TestHttpServer;
let cloud: TestHttpServer;
let minted = 0;
let signingKey: { privateKey: CryptoKey; jwk: JWK };
// Functions that throw an app error after running: path → message.
let appErrors: Map<string, string>;
// How many times each function ran, per path.
let executions: Map<string, number>;

async function signToken(sub: string, privateKey = signingKey.privateKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setSubject(sub)
    .setIssuer(site.url)
    .setAudience("convex")
    .setIssuedAt(now)
    .setExpirationTime(now + 900)
    .sign(privateKey);
}

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  signingKey = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256" } };
  site = await startTestHttpServer(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/api/auth/convex/jwks") return Response.json({ keys: [signingKey.jwk] });
    if (pathname === "/api/auth/convex/token") {
      if (!request.headers.get("cookie")?.includes("session_token=valid")) return new Response(null, { status: 401 });
      return Response.json({ token: `token-${++minted}` });
    }
    const headers = new Headers();
    headers.append("set-cookie", "better-auth.session_token=new; Path=/; HttpOnly");
    headers.append("set-cookie", "better-auth.convex_jwt=jwt; Path=/; HttpOnly");
    return new Response(request.body ? await request.text() : null, { status: 200, headers });
  });
  cloud = await startTestHttpServer(async (request) => {
    const { path, args } = (await request.json()) as { path: string; args: unknown[] };
    executions.set(path, (executions.get(path) ?? 0) + 1);
    const appError = appErrors.get(path);
    if (appError) {
      return Response.json({
        status: "error",
        errorMessage: `[Request ID: 0123456789abcdef] Server Error\nUncaught Error: ${appError}\n    at handler (../convex/users.ts:4:11)\n`,
        logLines: [],
      });
    }
    return Response.json({
      status: "success",
      value: { path, args: args[0], authorization: request.headers.get("authorization") },
      logLines: [],
    });
  });
});

afterAll(async () => {
  await site.close();
  await cloud.close();
});

beforeEach(() => {
  site.requests.length = 0;
  cloud.requests.length = 0;
  appErrors = new Map();
  executions = new Map();
});

function requestHeaders(cookie: string): Headers {
  const headers = new Headers({
    cookie,
    host: "start.example.com",
    "x-forwarded-proto": "https",
    "accept-encoding": "br",
  });
  vi.mocked(getRequestHeaders).mockReturnValue(headers as never);
  return headers;
}

const helpers = (jwtCache?: { enabled: boolean }) =>
  convexBetterAuthReactStart({ convexUrl: cloud.url, convexSiteUrl: site.url, ...(jwtCache ? { jwtCache } : {}) });
const me = makeFunctionReference<"query", Record<string, never>, unknown>("users:me");
const rename = makeFunctionReference<"mutation", { name: string }, unknown>("users:rename");
const sync = makeFunctionReference<"action", Record<string, never>, unknown>("users:sync");
const tokenRequests = () => site.requests.filter((request) => request.url === "/api/auth/convex/token");

describe("convexBetterAuthReactStart", () => {
  it("rejects the .convex.cloud URL as convexSiteUrl", () => {
    expect(() =>
      convexBetterAuthReactStart({ convexUrl: cloud.url, convexSiteUrl: "https://a-b-1.convex.cloud" }),
    ).toThrow(/INVALID_CONVEX_SITE_URL.*\.convex\.site/);
  });

  it("getToken reads getRequestHeaders() and asks for an uncompressed answer", async () => {
    requestHeaders("better-auth.session_token=valid.sig");
    expect(await helpers().getToken()).toMatch(/^token-/);
    const [seen] = tokenRequests();
    expect(seen?.headers.cookie).toBe("better-auth.session_token=valid.sig");
    expect(seen?.headers["accept-encoding"]).toBe("identity");
    expect(seen?.headers["x-better-auth-forwarded-host"]).toBe("start.example.com");
  });

  it("fetches the token once per request", async () => {
    const { getToken, fetchAuthQuery } = helpers();
    requestHeaders("better-auth.session_token=valid.sig");
    const first = await getToken();
    await fetchAuthQuery(me);
    expect(await getToken()).toBe(first);
    expect(tokenRequests()).toHaveLength(1);
    requestHeaders("better-auth.session_token=valid.sig"); // the next request
    expect(await getToken()).not.toBe(first);
    expect(tokenRequests()).toHaveLength(2);
  });

  it("fetchAuthQuery/Mutation/Action use ConvexHttpClient(convexUrl) with the token", async () => {
    requestHeaders("better-auth.session_token=valid.sig");
    const { getToken, fetchAuthQuery, fetchAuthMutation, fetchAuthAction } = helpers();
    const token = await getToken();
    expect(await fetchAuthQuery(me)).toEqual({ path: "users:me", args: {}, authorization: `Bearer ${token}` });
    expect(await fetchAuthMutation(rename, { name: "Ada" })).toEqual({
      path: "users:rename",
      args: { name: "Ada" },
      authorization: `Bearer ${token}`,
    });
    expect(await fetchAuthAction(sync)).toMatchObject({ path: "users:sync", authorization: `Bearer ${token}` });
    expect(cloud.requests.map((request) => request.url)).toEqual(["/api/query", "/api/mutation", "/api/action"]);
  });

  it("calls Convex without Authorization when signed out", async () => {
    requestHeaders("better-auth.session_token=revoked.sig");
    const { getToken, fetchAuthQuery } = helpers();
    expect(await getToken()).toBeUndefined();
    expect(await fetchAuthQuery(me)).toMatchObject({ authorization: null });
  });

  it("handler proxies with a streamed body and every Set-Cookie", async () => {
    const { handler } = helpers();
    const response = await handler(
      new Request("https://start.example.com/api/auth/sign-in/email", { method: "POST", body: '{"email":"a@b.c"}' }),
    );
    expect(await response.text()).toBe('{"email":"a@b.c"}');
    expect(response.headers.getSetCookie()).toHaveLength(2);
    const seen = site.requests[0]!;
    expect(seen.headers["transfer-encoding"]).toBe("chunked");
    expect(seen.headers["x-better-auth-forwarded-host"]).toBe("start.example.com");
    expect(seen.headers["x-forwarded-host"]).toBeUndefined();
  });

  it("uses a verified convex_jwt cookie by default: SSR getToken makes no /convex/token round trip", async () => {
    const cached = await signToken("cached-user");
    requestHeaders(`better-auth.session_token=valid.sig; better-auth.convex_jwt=${cached}`);
    const { getToken, fetchAuthQuery } = helpers();
    expect(await getToken()).toBe(cached);
    expect(await fetchAuthQuery(me)).toMatchObject({ authorization: `Bearer ${cached}` });
    expect(tokenRequests()).toHaveLength(0);
  });

  it("with jwtCache: { enabled: false }, always fetches /convex/token, even with a valid cookie", async () => {
    const cached = await signToken("cached-user");
    requestHeaders(`better-auth.session_token=valid.sig; better-auth.convex_jwt=${cached}`);
    expect(await helpers({ enabled: false }).getToken()).toMatch(/^token-/);
    expect(tokenRequests()).toHaveLength(1);
  });

  it("never uses a cookie signed by another key", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await signToken("admin", privateKey);
    requestHeaders(`better-auth.session_token=valid.sig; better-auth.convex_jwt=${forged}`);
    expect(await helpers().getToken()).toMatch(/^token-/);
    expect(tokenRequests()).toHaveLength(1);
  });

  it("an app's own Error('Unauthorized …') from a mutation with a cached token does not run the mutation twice", async () => {
    const cached = await signToken("user");
    requestHeaders(`better-auth.session_token=valid.sig; better-auth.convex_jwt=${cached}`);
    appErrors.set("users:rename", "Unauthorized: only admins may rename");
    appErrors.set("users:sync", "Unauthorized");
    const { fetchAuthMutation, fetchAuthAction } = helpers();
    await expect(fetchAuthMutation(rename, { name: "Ada" })).rejects.toThrow("Unauthorized: only admins may rename");
    await expect(fetchAuthAction(sync)).rejects.toThrow("Unauthorized");
    expect(Object.fromEntries(executions)).toEqual({ "users:rename": 1, "users:sync": 1 });
    expect(tokenRequests()).toHaveLength(0);
  });
});
