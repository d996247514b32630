/**
 * The seed guide's Convex code, run unchanged (only the import specifier
 * renamed) under convex-test: HTTP sign-up and sign-in through
 * `registerRoutes`, a JWT from `/convex/token` verified against
 * `/convex/jwks`, `getAuthUser` with that identity, sign-out, and the
 * seed's `updateUserPassword` mutation.
 */
import { convexTest } from "convex-test";
import { createLocalJWKSet, jwtVerify } from "jose";
import { beforeEach, describe, expect, test } from "vitest";
import { register } from "./test/index.js";
import schema from "./test-utils/seed-app/schema.js";
import { api } from "./test-utils/seed-app/_generated/api.js";

const modules = import.meta.glob("./test-utils/seed-app/**/*.ts");
const SITE = "http://127.0.0.1:3211";

function setup() {
  process.env.SITE_URL = "http://localhost:3000";
  process.env.CONVEX_SITE_URL = SITE;
  process.env.BETTER_AUTH_SECRET = "seed-flow-test-secret-0123456789abcdef";
  const t = convexTest(schema, modules);
  register(t);
  return t;
}

type T = ReturnType<typeof setup>;

function cookiesOf(response: Response, jar = new Map<string, string>()) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const [name, ...rest] = pair!.split("=");
    const value = rest.join("=");
    if (/max-age=0/i.test(line) || value === "") jar.delete(name!.trim());
    else jar.set(name!.trim(), value);
  }
  return jar;
}

const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

async function post(t: T, path: string, body: unknown, jar?: Map<string, string>) {
  return await t.fetch(path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: "http://localhost:3000",
      ...(jar ? { cookie: cookieHeader(jar) } : {}),
    },
    body: JSON.stringify(body),
  });
}

async function identityFor(t: T, jar: Map<string, string>) {
  const response = await t.fetch("/api/auth/convex/token", { headers: { cookie: cookieHeader(jar) } });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  const jwks = await (await t.fetch("/api/auth/convex/jwks")).json();
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
    issuer: SITE,
    audience: "convex",
  });
  expect(protectedHeader.alg).toBe("RS256");
  // What Convex derives from a verified customJwt token.
  return t.withIdentity({
    subject: payload.sub!,
    issuer: payload.iss!,
    tokenIdentifier: `${payload.iss}|${payload.sub}`,
    sessionId: payload.sessionId as string,
  } as never);
}

describe("the seed's Convex code", () => {
  let t: T;
  beforeEach(() => {
    t = setup();
  });

  test("sign up, token, getAuthUser, sign out", async () => {
    const signUp = await post(t, "/api/auth/sign-up/email", {
      name: "Ada",
      email: "ada@example.com",
      password: "correct horse 1",
    });
    expect(signUp.status).toBe(200);
    const jar = cookiesOf(signUp);
    const asAda = await identityFor(t, jar);
    const user = await asAda.query(api.auth.getCurrentUser, {});
    expect(user).toMatchObject({ name: "Ada", email: "ada@example.com" });

    const signOut = await post(t, "/api/auth/sign-out", {}, jar);
    expect(signOut.status).toBe(200);
    // The JWT is still valid for minutes, but the session behind it is gone.
    await expect(asAda.query(api.auth.getCurrentUser, {})).rejects.toThrow(/UNAUTHENTICATED/);
  });

  test("sign in, then updateUserPassword: only the new password works", async () => {
    await post(t, "/api/auth/sign-up/email", { name: "Bo", email: "bo@example.com", password: "correct horse 1" });
    const signIn = await post(t, "/api/auth/sign-in/email", { email: "bo@example.com", password: "correct horse 1" });
    expect(signIn.status).toBe(200);
    const asBo = await identityFor(t, cookiesOf(signIn));
    await asBo.mutation(api.users.updateUserPassword, {
      currentPassword: "correct horse 1",
      newPassword: "correct horse 2",
    });

    const old = await post(t, "/api/auth/sign-in/email", { email: "bo@example.com", password: "correct horse 1" });
    expect(old.status).toBe(401);
    const fresh = await post(t, "/api/auth/sign-in/email", { email: "bo@example.com", password: "correct horse 2" });
    expect(fresh.status).toBe(200);
  });

  test("getAuthUser is one component query reading two documents", async () => {
    const signUp = await post(t, "/api/auth/sign-up/email", {
      name: "Cy",
      email: "cy@example.com",
      password: "correct horse 1",
    });
    const asCy = await identityFor(t, cookiesOf(signUp));
    const { authComponent } = await import("./test-utils/seed-app/auth.js");
    const metrics = await asCy.query(async (ctx) => {
      const user = await authComponent.getAuthUser(ctx as never);
      const m = await ctx.meta.getTransactionMetrics();
      return {
        name: (user as { name: string }).name,
        documentsRead: m.documentsRead.used,
        queries: m.databaseQueries.used,
      };
    });
    expect(metrics.name).toBe("Cy");
    expect(metrics.documentsRead).toBe(2);
  });
});
