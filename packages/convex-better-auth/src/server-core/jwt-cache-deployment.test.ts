// @vitest-environment node
/**
 * The server helpers' default JWT cache against a whole deployment: the
 * seed guide's app (Better Auth + convex() in the component, getAuthUser)
 * under convex-test, served over HTTP as a `.convex.site` origin (Better
 * Auth) and a `.convex.cloud` origin (the function API, which verifies the
 * Bearer JWT against the site's JWKS as Convex's customJwt provider does
 * and answers 401 `InvalidAuthHeader` when it does not). Proves what the
 * cache must never change: revocation still wins, a forged cookie is never
 * sent, and a mutation never runs twice.
 */
import { convexTest } from "convex-test";
import { makeFunctionReference } from "convex/server";
import { convexToJson, type Value } from "convex/values";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { register } from "../test/index.js";
import schema from "../test-utils/seed-app/schema.js";
import { createAuthenticatedConvexCalls } from "./authenticated-convex-calls.js";
import { isConvexAuthError } from "./call-with-convex-token.js";
import { createConvexTokenGetter } from "./convex-token-getter.js";
import { resolveServerOptions, type JwtCacheOptions } from "./server-options.js";
import { startTestHttpServer, type TestHttpServer } from "./test-http-server.js";

const modules = import.meta.glob("../test-utils/seed-app/**/*.ts");
const ORIGIN = "http://localhost:3000";

type T = ReturnType<typeof convexTest>;
type Identity = { subject: string; issuer: string; tokenIdentifier: string; sessionId?: string };

let t: T;
let site: TestHttpServer; // https://<name>.convex.site: Better Auth's HTTP routes
let cloud: TestHttpServer; // https://<name>.convex.cloud: /api/query, /api/mutation, /api/action
// How many times the "posts:create" mutation ran.
let postRuns = 0;
// Tokens the cloud refuses once with 401, as Convex does for a token whose
// key it no longer serves although the app server's cached JWKS still has it.
let refuseOnce: Set<string>;

async function authComponent() {
  return (await import("../test-utils/seed-app/auth.js")).authComponent;
}

/** The functions the fake cloud serves, beyond the seed app's own. */
const inline: Record<string, (as: ReturnType<T["withIdentity"]> | T) => Promise<unknown>> = {
  "users:safeEmail": async (as) =>
    await as.query(async (ctx) => {
      const user = await (await authComponent()).safeGetAuthUser(ctx as never);
      return user === null ? null : (user as { email: string }).email;
    }),
  // An app mutation with its own authorization error, as apps write them.
  "posts:create": async (as) =>
    await as.mutation(async (ctx) => {
      postRuns++;
      const user = await (await authComponent()).safeGetAuthUser(ctx as never);
      if (!user) throw new Error("Unauthorized: sign in to post");
      return "posted";
    }),
};

/** What Convex does with `Authorization: Bearer`: the customJwt checks, 5 s skew, JWKS fetched per validation. */
async function identityOf(authorization: string): Promise<Identity> {
  const jwks = (await (await t.fetch("/api/auth/convex/jwks")).json()) as JSONWebKeySet;
  const { payload } = await jwtVerify(authorization.replace(/^Bearer /, ""), createLocalJWKSet(jwks), {
    issuer: site.url,
    audience: "convex",
    algorithms: ["RS256"],
    clockTolerance: 5,
  });
  return {
    subject: payload.sub!,
    issuer: payload.iss!,
    tokenIdentifier: `${payload.iss}|${payload.sub}`,
    ...(typeof payload.sessionId === "string" ? { sessionId: payload.sessionId } : {}),
  };
}

const serverError = (error: Error, kind: string) =>
  `[Request ID: 0123456789abcdef] Server Error\nUncaught ${kind}: ${error.message}\n`;

beforeAll(async () => {
  site = await startTestHttpServer(async (request) => {
    const url = new URL(request.url);
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return await t.fetch(`${url.pathname}${url.search}`, { method: request.method, headers: request.headers, body });
  });
  cloud = await startTestHttpServer(async (request) => {
    const { path, args } = (await request.json()) as { path: string; args: [Record<string, Value>] };
    const authorization = request.headers.get("authorization");
    let as: ReturnType<T["withIdentity"]> | T = t;
    if (authorization && refuseOnce.delete(authorization.replace(/^Bearer /, ""))) {
      return Response.json({ code: "InvalidAuthHeader", message: "Could not decode token" }, { status: 401 });
    }
    if (authorization) {
      try {
        as = t.withIdentity((await identityOf(authorization)) as never);
      } catch (error) {
        return Response.json(
          { code: "InvalidAuthHeader", message: `Could not validate token: ${(error as Error).message}` },
          { status: 401 },
        );
      }
    }
    try {
      const run = inline[path];
      const value = run ? await run(as) : await as.query(makeFunctionReference<"query">(path), args[0]);
      return Response.json({ status: "success", value: convexToJson(value as Value), logLines: [] });
    } catch (error) {
      const data = (error as { data?: Value }).data;
      return Response.json({
        status: "error",
        errorMessage: serverError(error as Error, data === undefined ? "Error" : "ConvexError"),
        ...(data === undefined ? {} : { errorData: convexToJson(data) }),
        logLines: [],
      });
    }
  });
  process.env.SITE_URL = ORIGIN;
  // The issuer of every JWT and the JWKS host: the site server.
  process.env.CONVEX_SITE_URL = site.url;
  process.env.BETTER_AUTH_SECRET = "jwt-cache-deployment-secret-0123456789abcdef";
});

afterAll(async () => {
  await site.close();
  await cloud.close();
});

beforeEach(() => {
  t = convexTest(schema, modules);
  register(t);
  postRuns = 0;
  refuseOnce = new Set();
  site.requests.length = 0;
  cloud.requests.length = 0;
});

/** A browser: its cookies, as the app's server receives them. */
type Browser = { cookie: string; sessionToken: string; jwt: string };

async function signUp(email: string): Promise<Browser> {
  const response = await t.fetch("/api/auth/sign-up/email", {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN },
    body: JSON.stringify({ name: email.split("@")[0], email, password: "correct horse 1" }),
  });
  expect(response.status).toBe(200);
  const jar = new Map<string, string>();
  for (const line of response.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const eq = pair.indexOf("=");
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const { token } = (await response.json()) as { token: string };
  const jwt = decodeURIComponent(jar.get("better-auth.convex_jwt") ?? "");
  expect(jwt).not.toBe("");
  return { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join("; "), sessionToken: token, jwt };
}

/** The app server's helpers for one incoming request, as the Next.js / Start adapters build them. */
function serverFor(cookie: string, jwtCache?: JwtCacheOptions) {
  const resolved = resolveServerOptions({
    convexUrl: cloud.url,
    convexSiteUrl: site.url,
    ...(jwtCache ? { jwtCache } : {}),
  });
  const getter = createConvexTokenGetter(resolved, { logger: { error: () => {} } });
  const headers = new Headers({ cookie, host: "localhost:3000" });
  return {
    getToken: () => getter(headers),
    ...createAuthenticatedConvexCalls({
      convexUrl: resolved.convexUrl,
      getToken: ({ forceRefresh }) => getter(headers, { forceRefresh }),
      isAuthError: isConvexAuthError,
    }),
  };
}

const getCurrentUser = makeFunctionReference<"query", Record<string, never>, { email: string }>("auth:getCurrentUser");
const safeEmail = makeFunctionReference<"query", Record<string, never>, string | null>("users:safeEmail");
const createPost = makeFunctionReference<"mutation", Record<string, never>, string>("posts:create");
const tokenRequests = () => site.requests.filter((request) => request.url.startsWith("/api/auth/convex/token"));
const bearers = () => cloud.requests.map((request) => request.headers.authorization ?? null);

describe("the default JWT cache against a deployment", () => {
  it("serves a signed-in request from the convex_jwt cookie: no /convex/token round trip, Convex accepts it", async () => {
    const browser = await signUp("ada@example.com");
    const server = serverFor(browser.cookie);
    expect(await server.getToken()).toEqual({ token: browser.jwt, source: "cookie" });
    expect((await server.fetchAuthQuery(getCurrentUser)).email).toBe("ada@example.com");
    expect(await server.fetchAuthMutation(createPost)).toBe("posted");
    expect(tokenRequests()).toHaveLength(0);
    expect(bearers()).toEqual([`Bearer ${browser.jwt}`, `Bearer ${browser.jwt}`]);
  });

  it("a revoked session's cached cookie gets no user from Convex", async () => {
    const browser = await signUp("bo@example.com");
    const other = await signUp("cy@example.com");
    // Revoked elsewhere (another tab signed out, an admin, a password change):
    // this browser still holds the session's unexpired convex_jwt.
    const revoke = await t.fetch("/api/auth/revoke-session", {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, cookie: browser.cookie },
      body: JSON.stringify({ token: browser.sessionToken }),
    });
    expect(revoke.status).toBe(200);
    const server = serverFor(browser.cookie);

    // The cookie still verifies: the cache cannot know about revocation...
    expect(await server.getToken()).toMatchObject({ source: "cookie" });
    // ...but Convex checks the session on every call.
    expect(await server.fetchAuthQuery(safeEmail)).toBeNull();
    await expect(server.fetchAuthQuery(getCurrentUser)).rejects.toMatchObject({ data: { code: "UNAUTHENTICATED" } });
    // getAuthUser's UNAUTHENTICATED made the query ask for a fresh token once;
    // the revoked session gets none, so the retry runs signed out.
    expect(tokenRequests()).toHaveLength(1);
    expect(bearers().slice(-2)).toEqual([`Bearer ${browser.jwt}`, null]);
    // A mutation ran once with the cached token and refused; it is not re-run.
    await expect(server.fetchAuthMutation(createPost)).rejects.toThrow("Unauthorized: sign in to post");
    expect(postRuns).toBe(1);
    // The other user's session is untouched.
    expect(await serverFor(other.cookie).fetchAuthQuery(safeEmail)).toBe("cy@example.com");
  });

  it("an app's own Error('Unauthorized …') from a mutation with a cached token does not run the mutation twice", async () => {
    const browser = await signUp("dee@example.com");
    // Signed out elsewhere: the mutation runs, finds no user and throws the app's own error.
    await t.fetch("/api/auth/sign-out", { method: "POST", headers: { origin: ORIGIN, cookie: browser.cookie } });
    await expect(serverFor(browser.cookie).fetchAuthMutation(createPost)).rejects.toThrow("Unauthorized");
    expect(postRuns).toBe(1);
    expect(tokenRequests()).toHaveLength(0);
  });

  it("never sends a forged cookie to Convex: an altered payload falls back to the browser's real session", async () => {
    const victim = await signUp("eve@example.com");
    const attacker = await signUp("mallory@example.com");
    const [header, payload, signature] = attacker.jwt.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString()) as Record<string, unknown>;
    const victimClaims = JSON.parse(Buffer.from(victim.jwt.split(".")[1]!, "base64url").toString()) as Record<
      string,
      unknown
    >;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: victimClaims.sub, sessionId: victimClaims.sessionId })).toString("base64url")}.${signature}`;
    const server = serverFor(
      attacker.cookie
        .replace(encodeURIComponent(attacker.jwt), encodeURIComponent(forged))
        .replace(attacker.jwt, forged),
    );
    expect(await server.fetchAuthQuery(safeEmail)).toBe("mallory@example.com");
    expect(bearers()).not.toContain(`Bearer ${forged}`);
    expect(tokenRequests()).toHaveLength(1);
  });

  it("retries a mutation Convex refused before running it (401) exactly once, with a fresh token", async () => {
    const browser = await signUp("fay@example.com");
    refuseOnce.add(browser.jwt);
    const server = serverFor(browser.cookie);
    expect(await server.fetchAuthMutation(createPost)).toBe("posted");
    expect(postRuns).toBe(1);
    expect(tokenRequests()).toHaveLength(1);
    // Refused once, then sent again with the token /convex/token minted (the
    // same bytes when minted within the same second: RS256 is deterministic).
    expect(bearers()).toEqual([`Bearer ${browser.jwt}`, expect.stringMatching(/^Bearer ey/)]);
  });

  it("with jwtCache: { enabled: false }, every request fetches /convex/token", async () => {
    const browser = await signUp("gus@example.com");
    const server = serverFor(browser.cookie, { enabled: false });
    expect(await server.getToken()).toMatchObject({ source: "fresh" });
    expect(await server.fetchAuthQuery(safeEmail)).toBe("gus@example.com");
    expect(tokenRequests()).toHaveLength(2);
  });
});
