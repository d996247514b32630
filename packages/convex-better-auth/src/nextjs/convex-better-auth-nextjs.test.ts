// @vitest-environment node
import { preloadQuery } from "convex/nextjs";
import { makeFunctionReference } from "convex/server";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { cookies, headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { isFrameworkError } from "../server-core/errors.js";
import { startTestHttpServer, type TestHttpServer } from "../server-core/test-http-server.js";
import { convexBetterAuthNextJs } from "./convex-better-auth-nextjs.js";

vi.mock("next/headers", () => ({ headers: vi.fn(), cookies: vi.fn() }));
// React's cache() only memoizes inside a server-components render. This
// stand-in memoizes per cache() call, i.e. as if each helpers() instance
// served one request, so the tests can see what the per-request cache keys on.
vi.mock("react", async (importOriginal) => ({
  ...(await importOriginal<typeof import("react")>()),
  cache: <A, R>(fn: (arg: A) => R) => {
    const results = new Map<A, R>();
    return (arg: A) => {
      if (!results.has(arg)) results.set(arg, fn(arg));
      return results.get(arg)!;
    };
  },
}));

let signingKey: { privateKey: CryptoKey; jwk: JWK };
let site: TestHttpServer; // stands in for https://<name>.convex.site
let cloud: TestHttpServer; // stands in for https://<name>.convex.cloud
// Tokens whose session is gone: the function runs and getAuthUser throws UNAUTHENTICATED.
let refuseTokens: Set<string>;
// Tokens Convex itself refuses (bad signature, expired…): 401 before anything runs.
let rejectTokens: Set<string>;
// Functions that throw an app error after running: path → message.
let appErrors: Map<string, string>;
// How many times each function ran, per path.
let executions: Map<string, number>;
let mintedTokens = 0;

async function signToken(sub: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setSubject(sub)
    .setIssuer(site.url)
    .setAudience("convex")
    .setIssuedAt(now)
    .setExpirationTime(now + 900)
    .sign(signingKey.privateKey);
}

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  signingKey = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256" } };
  site = await startTestHttpServer(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/api/auth/convex/jwks") return Response.json({ keys: [signingKey.jwk] });
    if (pathname === "/api/auth/convex/token") {
      if (!request.headers.get("cookie")?.includes("session_token=valid")) return new Response(null, { status: 401 });
      mintedTokens++;
      return Response.json({ token: await signToken(`fresh-${mintedTokens}`) });
    }
    const headers = new Headers({ "content-type": "application/json" });
    headers.append("set-cookie", "a=1; Path=/");
    headers.append("set-cookie", "b=2; Path=/");
    return new Response(JSON.stringify({ proxied: pathname, method: request.method }), { headers });
  });
  cloud = await startTestHttpServer(async (request) => {
    const { path, args } = (await request.json()) as { path: string; args: unknown[] };
    const token = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? null;
    if (token && rejectTokens.has(token)) {
      return Response.json(
        { code: "InvalidAuthHeader", message: "Could not validate token: InvalidSignature" },
        { status: 401 },
      );
    }
    executions.set(path, (executions.get(path) ?? 0) + 1);
    const appError = appErrors.get(path);
    if (appError) {
      return Response.json({
        status: "error",
        errorMessage: `[Request ID: 0123456789abcdef] Server Error\nUncaught Error: ${appError}\n    at handler (../convex/messages.ts:9:11)\n`,
        logLines: [],
      });
    }
    if (token && refuseTokens.has(token)) {
      return Response.json({
        status: "error",
        errorMessage: "Unauthenticated",
        errorData: { code: "UNAUTHENTICATED", message: "Not signed in" },
        logLines: [],
      });
    }
    return Response.json({ status: "success", value: { path, args: args[0], token }, logLines: [] });
  });
});

afterAll(async () => {
  await site.close();
  await cloud.close();
});

beforeEach(() => {
  refuseTokens = new Set();
  rejectTokens = new Set();
  appErrors = new Map();
  executions = new Map();
  site.requests.length = 0;
  cloud.requests.length = 0;
  // A different deployment in the env: the helpers must use convexUrl.
  vi.stubEnv("NEXT_PUBLIC_CONVEX_URL", "https://wrong-deployment-000.convex.cloud");
  setRequest({ "better-auth.session_token": "valid.sig" });
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function setRequest(cookieValues: Record<string, string>, headerValues: Record<string, string> = {}) {
  vi.mocked(headers).mockImplementation(
    async () => new Headers({ host: "app.example.com", "x-forwarded-proto": "https", ...headerValues }) as never,
  );
  vi.mocked(cookies).mockImplementation(
    async () => ({ getAll: () => Object.entries(cookieValues).map(([name, value]) => ({ name, value })) }) as never,
  );
}

function helpers(jwtCache?: { enabled: boolean; isAuthError?: (error: unknown) => boolean }) {
  return convexBetterAuthNextJs({ convexUrl: cloud.url, convexSiteUrl: site.url, ...(jwtCache ? { jwtCache } : {}) });
}

const listMessages = makeFunctionReference<"query", { channel: string }, unknown>("messages:list");
const whoAmI = makeFunctionReference<"query", Record<string, never>, unknown>("users:me");
const send = makeFunctionReference<"mutation", { body: string }, unknown>("messages:send");
const summarize = makeFunctionReference<"action", { id: string }, unknown>("ai:summarize");

describe("convexBetterAuthNextJs: options", () => {
  it("rejects an empty convexSiteUrl and the .convex.cloud URL", () => {
    expect(() => convexBetterAuthNextJs({ convexUrl: cloud.url, convexSiteUrl: "" })).toThrow(
      /INVALID_CONVEX_SITE_URL/,
    );
    try {
      convexBetterAuthNextJs({ convexUrl: cloud.url, convexSiteUrl: "https://happy-otter-123.convex.cloud" });
      expect.unreachable();
    } catch (error) {
      expect(isFrameworkError(error, "INVALID_CONVEX_SITE_URL")).toBe(true);
      expect((error as Error).message).toContain("https://happy-otter-123.convex.site");
    }
  });

  it("returns exactly the documented helpers", () => {
    expect(Object.keys(helpers()).sort()).toEqual(
      [
        "fetchAuthAction",
        "fetchAuthMutation",
        "fetchAuthQuery",
        "getToken",
        "handler",
        "isAuthenticated",
        "preloadAuthQuery",
      ].sort(),
    );
  });
});

describe("convexBetterAuthNextJs: handler", () => {
  it("exports a route handler per method that proxies to the site URL with every Set-Cookie", async () => {
    const { handler } = helpers();
    const { GET, POST } = handler;
    expect(Object.keys(handler).sort()).toEqual(["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"]);
    const get = await GET(new Request("https://app.example.com/api/auth/get-session"));
    expect(await get.json()).toEqual({ proxied: "/api/auth/get-session", method: "GET" });
    expect(get.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    const post = await POST(new Request("https://app.example.com/api/auth/sign-out", { method: "POST", body: "{}" }));
    expect(await post.json()).toEqual({ proxied: "/api/auth/sign-out", method: "POST" });
    expect(site.requests.at(-1)?.headers["x-better-auth-forwarded-host"]).toBe("app.example.com");
  });
});

describe("convexBetterAuthNextJs: getToken and isAuthenticated", () => {
  it("fetches the token with the cookies from next/headers", async () => {
    setRequest({ "better-auth.session_token": "valid.sig", theme: "a b" });
    const { getToken, isAuthenticated } = helpers();
    const token = await getToken();
    expect(typeof token).toBe("string");
    const [seen] = site.requests;
    expect(seen?.url).toBe("/api/auth/convex/token");
    expect(seen?.headers.cookie).toBe("better-auth.session_token=valid.sig; theme=a%20b");
    expect(seen?.headers["accept-encoding"]).toBe("identity");
    expect(seen?.headers["x-better-auth-forwarded-host"]).toBe("app.example.com");
    expect(seen?.headers["x-better-auth-forwarded-proto"]).toBe("https");
    expect(await isAuthenticated()).toBe(true);
  });

  it("returns undefined and isAuthenticated false when signed out", async () => {
    setRequest({ "better-auth.session_token": "revoked.sig" });
    const { getToken, isAuthenticated } = helpers();
    expect(await getToken()).toBeUndefined();
    expect(await isAuthenticated()).toBe(false);
  });

  it("uses a verified convex_jwt cookie by default: SSR getToken makes no /convex/token round trip", async () => {
    const cached = await signToken("cached-user");
    setRequest({ "better-auth.session_token": "valid.sig", "better-auth.convex_jwt": cached });
    const { getToken, isAuthenticated, fetchAuthQuery } = helpers();
    expect(await getToken()).toBe(cached);
    expect(await isAuthenticated()).toBe(true);
    expect(await fetchAuthQuery(whoAmI)).toMatchObject({ token: cached });
    expect(site.requests.some((request) => request.url === "/api/auth/convex/token")).toBe(false);
    expect(await helpers({ enabled: true }).getToken()).toBe(cached);
  });

  it("with jwtCache: { enabled: false }, always fetches /convex/token, even with a valid cookie", async () => {
    const cached = await signToken("cached-user");
    setRequest({ "better-auth.session_token": "valid.sig", "better-auth.convex_jwt": cached });
    const { getToken, fetchAuthQuery } = helpers({ enabled: false });
    const token = await getToken();
    expect(token).not.toBe(cached);
    expect(await fetchAuthQuery(whoAmI)).toMatchObject({ token });
    expect(site.requests.filter((request) => request.url === "/api/auth/convex/token")).toHaveLength(1);
  });

  it("never uses a forged or expired cookie", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setSubject("admin")
      .setIssuer(site.url)
      .setAudience("convex")
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(privateKey);
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setSubject("user")
      .setIssuer(site.url)
      .setAudience("convex")
      .setIssuedAt(now - 1000)
      .setExpirationTime(now - 1)
      .sign(signingKey.privateKey);
    for (const cookie of [forged, expired]) {
      setRequest({ "better-auth.session_token": "valid.sig", "better-auth.convex_jwt": cookie });
      const token = await helpers().getToken();
      expect(token).toBeDefined();
      expect(token).not.toBe(cookie);
    }
    expect(site.requests.filter((request) => request.url === "/api/auth/convex/token")).toHaveLength(2);
  });

  it("lets Next's redirect() from next/headers through untouched", async () => {
    let redirectError: unknown;
    try {
      redirect("/sign-in");
    } catch (error) {
      redirectError = error;
    }
    vi.mocked(headers).mockRejectedValue(redirectError);
    await expect(helpers().getToken()).rejects.toBe(redirectError);
  });

  it("rethrows Next's control-flow errors raised by its patched fetch instead of returning undefined", async () => {
    let notFoundError: unknown;
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => {
      try {
        notFound();
      } catch (error) {
        notFoundError = error;
        throw error;
      }
    });
    await expect(helpers().getToken()).rejects.toSatisfy((error) => error === notFoundError);
  });
});

describe("convexBetterAuthNextJs: authenticated Convex calls", () => {
  it("fetchAuthQuery, fetchAuthMutation and fetchAuthAction call convexUrl with the token", async () => {
    const { getToken, fetchAuthQuery, fetchAuthMutation, fetchAuthAction } = helpers();
    const token = await getToken();
    expect(await fetchAuthQuery(listMessages, { channel: "general" })).toEqual({
      path: "messages:list",
      args: { channel: "general" },
      token,
    });
    expect(await fetchAuthQuery(whoAmI)).toMatchObject({ path: "users:me", args: {} });
    expect(await fetchAuthMutation(send, { body: "hi" })).toMatchObject({ path: "messages:send", token });
    expect(await fetchAuthAction(summarize, { id: "1" })).toMatchObject({ path: "ai:summarize", token });
    expect(cloud.requests.map((request) => request.url)).toEqual([
      "/api/query",
      "/api/query",
      "/api/mutation",
      "/api/action",
    ]);
    expect(cloud.requests.every((request) => request.headers.authorization === `Bearer ${token}`)).toBe(true);
    // One token request for the whole "request", thanks to the cache.
    expect(site.requests.filter((request) => request.url === "/api/auth/convex/token")).toHaveLength(1);
  });

  it("preloadAuthQuery returns a Preloaded payload fetched with the token", async () => {
    const preloaded = await helpers().preloadAuthQuery(listMessages, { channel: "general" });
    expect(preloaded._name).toBe("messages:list");
    expect(preloaded._argsJSON).toEqual({ channel: "general" });
    expect(preloaded._valueJSON).toMatchObject({ path: "messages:list", token: expect.any(String) });
  });

  it("preloadAuthQuery's payload is exactly what convex/nextjs's preloadQuery builds", async () => {
    const withBigint = makeFunctionReference<"query", { channel: string; after: bigint }, unknown>("messages:list");
    const { preloadAuthQuery, getToken } = helpers();
    const ours = await preloadAuthQuery(withBigint, { channel: "general", after: 2n });
    const theirs = await preloadQuery(
      withBigint,
      { channel: "general", after: 2n },
      { token: await getToken(), url: cloud.url },
    );
    expect(ours).toEqual(theirs);
  });

  it("calls Convex without a token when signed out", async () => {
    setRequest({});
    expect(await helpers().fetchAuthQuery(whoAmI)).toMatchObject({ token: null });
  });

  it("retries a query once with a fresh token when the cached token's session is gone (UNAUTHENTICATED)", async () => {
    const cached = await signToken("revoked-session-user");
    refuseTokens.add(cached);
    setRequest({ "better-auth.session_token": "valid.sig", "better-auth.convex_jwt": cached });
    const { fetchAuthQuery, getToken } = helpers();
    const result = (await fetchAuthQuery(whoAmI)) as { token: string };
    expect(result.token).not.toBe(cached);
    const sent = cloud.requests.map((request) => request.headers.authorization);
    expect(sent).toEqual([`Bearer ${cached}`, `Bearer ${result.token}`]);
    // The fresh token serves the rest of the request: no second refusal.
    expect(await fetchAuthQuery(listMessages, { channel: "general" })).toMatchObject({ token: result.token });
    expect(await getToken()).toBe(result.token);
    expect(site.requests.filter((request) => request.url === "/api/auth/convex/token")).toHaveLength(1);
  });

  it("an app's own Error('Unauthorized …') from a mutation with a cached token does not run the mutation twice", async () => {
    const cached = await signToken("user");
    appErrors.set("messages:send", "Unauthorized: only the channel owner can post");
    setRequest({ "better-auth.session_token": "valid.sig", "better-auth.convex_jwt": cached });
    const { fetchAuthMutation, fetchAuthAction } = helpers();
    await expect(fetchAuthMutation(send, { body: "hi" })).rejects.toThrow(
      "Unauthorized: only the channel owner can post",
    );
    expect(executions.get("messages:send")).toBe(1);
    // Nor an action, nor this library's UNAUTHENTICATED thrown after running.
    appErrors.set("ai:summarize", "Unauthorized");
    await expect(fetchAuthAction(summarize, { id: "1" })).rejects.toThrow("Unauthorized");
    expect(executions.get("ai:summarize")).toBe(1);
    refuseTokens.add(cached);
    appErrors.clear();
    await expect(fetchAuthMutation(send, { body: "hi" })).rejects.toMatchObject({ data: { code: "UNAUTHENTICATED" } });
    expect(executions.get("messages:send")).toBe(2);
    expect(cloud.requests.every((request) => request.headers.authorization === `Bearer ${cached}`)).toBe(true);
    expect(site.requests.some((request) => request.url === "/api/auth/convex/token")).toBe(false);
  });

  it("runs a mutation once, with a fresh token, when Convex refuses the cached token before running it (401)", async () => {
    const cached = await signToken("user");
    rejectTokens.add(cached);
    setRequest({ "better-auth.session_token": "valid.sig", "better-auth.convex_jwt": cached });
    const result = (await helpers().fetchAuthMutation(send, { body: "hi" })) as { token: string };
    expect(result.token).not.toBe(cached);
    expect(executions.get("messages:send")).toBe(1);
    expect(cloud.requests.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${cached}`,
      `Bearer ${result.token}`,
    ]);
  });

  it("does not retry or swallow Next's notFound() raised during the call", async () => {
    const cached = await signToken("user");
    setRequest({ "better-auth.session_token": "valid.sig", "better-auth.convex_jwt": cached });
    const { fetchAuthQuery, getToken } = helpers({ enabled: true, isAuthError: () => true });
    await getToken(); // downloads the JWKS with the real fetch
    let notFoundError: unknown;
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(async () => {
      try {
        notFound();
      } catch (error) {
        notFoundError = error;
        throw error;
      }
    });
    await expect(fetchAuthQuery(whoAmI)).rejects.toSatisfy((error) => error === notFoundError);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });
});
