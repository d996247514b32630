/**
 * Security of the seed guide's app under convex-test, over HTTP through
 * `registerRoutes` (`t.fetch`): a revoked session stops authenticating Convex
 * calls even while its JWT is still valid, and bad input gets a 4xx while
 * the deployment keeps serving.
 */
import { convexTest } from "convex-test";
import { createLocalJWKSet, jwtVerify } from "jose";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { DEFAULT_TRANSACTION_TIMEOUT_MS } from "./auth-component/adapter-transaction.js";
import { register } from "./test/index.js";
import schema from "./test-utils/seed-app/schema.js";

const modules = import.meta.glob("./test-utils/seed-app/**/*.ts");
const SITE = "http://127.0.0.1:3211";
const ORIGIN = "http://localhost:3000";

function setup() {
  process.env.SITE_URL = ORIGIN;
  process.env.CONVEX_SITE_URL = SITE;
  process.env.BETTER_AUTH_SECRET = "seed-flow-security-secret-0123456789abcdef";
  const t = convexTest(schema, modules);
  register(t);
  return t;
}

type T = ReturnType<typeof setup>;

function cookieOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .filter((line) => !/max-age=0/i.test(line))
    .map((line) => line.split(";")[0]!)
    .join("; ");
}

async function post(t: T, path: string, body: unknown, cookie?: string) {
  return await t.fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, ...(cookie ? { cookie } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The identity Convex derives from a verified `/convex/token` JWT. */
async function identityFor(t: T, cookie: string) {
  const response = await t.fetch("/api/auth/convex/token", { headers: { cookie } });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  const jwks = await (await t.fetch("/api/auth/convex/jwks")).json();
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: SITE, audience: "convex" });
  return {
    payload,
    as: t.withIdentity({
      subject: payload.sub!,
      issuer: payload.iss!,
      tokenIdentifier: `${payload.iss}|${payload.sub}`,
      sessionId: payload.sessionId as string,
    } as never),
  };
}

async function safeUser(as: ReturnType<T["withIdentity"]>) {
  const { authComponent } = await import("./test-utils/seed-app/auth.js");
  return await as.query(async (ctx) => {
    const user = await authComponent.safeGetAuthUser(ctx as never);
    return user === null ? null : (user as { email: string }).email;
  });
}

describe("session binding on the Convex side", () => {
  let t: T;
  beforeEach(() => {
    t = setup();
  });

  test("a revoked session's still-valid JWT gets no user; the user's other session still does", async () => {
    const signUp = await post(t, "/api/auth/sign-up/email", {
      name: "Ada",
      email: "ada@example.com",
      password: "correct horse 1",
    });
    expect(signUp.status).toBe(200);
    const first = cookieOf(signUp);
    const signIn = await post(t, "/api/auth/sign-in/email", { email: "ada@example.com", password: "correct horse 1" });
    const second = cookieOf(signIn);
    const a = await identityFor(t, first);
    const b = await identityFor(t, second);
    expect(a.payload.sessionId).not.toBe(b.payload.sessionId);
    expect(await safeUser(a.as)).toBe("ada@example.com");

    const { token: firstSessionToken } = (await signUp.clone().json()) as { token: string };
    const revoke = await post(t, "/api/auth/revoke-session", { token: firstSessionToken }, second);
    expect(revoke.status).toBe(200);

    // The JWT of the revoked session has minutes left, but the session is gone.
    expect(a.payload.exp! * 1000).toBeGreaterThan(Date.now());
    expect(await safeUser(a.as)).toBeNull();
    expect(await safeUser(b.as)).toBe("ada@example.com");
    // And no new JWT is minted for it.
    expect((await t.fetch("/api/auth/convex/token", { headers: { cookie: first } })).status).toBe(401);
  });

  test("an identity whose sessionId names no session, or whose subject differs from the session's user, gets no user", async () => {
    const signUp = await post(t, "/api/auth/sign-up/email", {
      name: "Bo",
      email: "bo@example.com",
      password: "correct horse 1",
    });
    const { payload } = await identityFor(t, cookieOf(signUp));
    const forged = (sessionId: string, subject: string) =>
      t.withIdentity({ subject, issuer: SITE, tokenIdentifier: `${SITE}|${subject}`, sessionId } as never);
    expect(await safeUser(forged("no-such-session", payload.sub!))).toBeNull();
    expect(await safeUser(forged(payload.sessionId as string, "someone-else"))).toBeNull();
    expect(await safeUser(t)).toBeNull();
  });
});

describe("transactions over HTTP", () => {
  // registerRoutes defers a transaction's commit to the request's next write
  // and commits the rest before answering. Were it lost, the expiry job would
  // roll the sign-up back once the timeout passed.
  test("a sign-up is committed by the time the response is out: it survives the transaction timeout", async () => {
    vi.useFakeTimers();
    try {
      const t = setup();
      // The first sign-up also creates the signing key, a later write its commit could ride on.
      expect(
        (
          await post(t, "/api/auth/sign-up/email", {
            name: "Eli",
            email: "eli@example.com",
            password: "correct horse 1",
          })
        ).status,
      ).toBe(200);
      const response = await post(t, "/api/auth/sign-up/email", {
        name: "Fay",
        email: "fay@example.com",
        password: "correct horse 1",
      });
      expect(response.status).toBe(200);
      const cookie = cookieOf(response);
      vi.advanceTimersByTime(DEFAULT_TRANSACTION_TIMEOUT_MS + 1_000);
      await t.finishAllScheduledFunctions(vi.runAllTimers);
      const session = await t.fetch("/api/auth/get-session", { headers: { cookie } });
      expect(((await session.json()) as { user?: { email: string } } | null)?.user?.email).toBe("fay@example.com");
      const signIn = await post(t, "/api/auth/sign-in/email", {
        email: "fay@example.com",
        password: "correct horse 1",
      });
      expect(signIn.status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("bad input over HTTP", () => {
  test("malformed JSON, wrong types and unknown routes get a 4xx; the deployment keeps serving", async () => {
    const t = setup();
    const statuses: Record<string, number> = {};
    statuses.malformed = (await post(t, "/api/auth/sign-up/email", '{"email": "x@example.com", "password": ')).status;
    statuses.notObject = (await post(t, "/api/auth/sign-in/email", "[1,2,3]")).status;
    statuses.wrongTypes = (await post(t, "/api/auth/sign-up/email", { name: 7, email: 42, password: ["x"] })).status;
    statuses.badEmail = (
      await post(t, "/api/auth/sign-in/email", { email: "not-an-email", password: "correct horse 1" })
    ).status;
    statuses.unknownRoute = (await post(t, "/api/auth/definitely-not-a-route", {})).status;
    statuses.tokenNoSession = (await t.fetch("/api/auth/convex/token")).status;
    statuses.tokenGarbageCookie = (
      await t.fetch("/api/auth/convex/token", { headers: { cookie: "better-auth.session_token=%%%not.a.token" } })
    ).status;
    for (const [name, status] of Object.entries(statuses)) {
      expect(status, name).toBeGreaterThanOrEqual(400);
      expect(status, name).toBeLessThan(500);
    }

    const ok = await post(t, "/api/auth/sign-up/email", {
      name: "Cy",
      email: "cy@example.com",
      password: "correct horse 1",
    });
    expect(ok.status).toBe(200);
    expect((await t.fetch("/api/auth/get-session", { headers: { cookie: cookieOf(ok) } })).status).toBe(200);
  });

  // Regression (update-user answered 500 with an empty body): the component's
  // INVALID_ARGUMENT crossed the adapter unchanged and Better Auth made it a
  // 500; a name nested 15,000 arrays deep overflowed the stack converting it.
  test("update-user with a non-string or deeply nested name gets a 400 naming the field; the user is unchanged", async () => {
    const t = setup();
    const ok = await post(t, "/api/auth/sign-up/email", {
      name: "Eve",
      email: "eve@example.com",
      password: "correct horse 1",
    });
    expect(ok.status).toBe(200);
    const cookie = cookieOf(ok);
    const deep = `${"[".repeat(15_000)}"x"${"]".repeat(15_000)}`;
    const bodies: Record<string, unknown> = {
      number: { name: 123 },
      object: { name: {} },
      array: { name: ["a", "b"] },
      null: { name: null },
      image: { image: 5 },
      deep: `{"name":${deep}}`,
    };
    for (const [label, body] of Object.entries(bodies)) {
      const response = await post(t, "/api/auth/update-user", body, cookie);
      const text = await response.text();
      expect(response.status, `${label}: ${text}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${label}: ${text}`).toBeLessThan(500);
      if (response.status === 400 && label !== "deep") expect(text, label).toMatch(/name|image|VALIDATION|INVALID/);
    }
    const session = (await (await t.fetch("/api/auth/get-session", { headers: { cookie } })).json()) as {
      user: { name: string; image: unknown };
    };
    expect(session.user.name).toBe("Eve");
    expect(session.user.image ?? null).toBeNull();
    // A valid update still works.
    expect((await post(t, "/api/auth/update-user", { name: "Eve A." }, cookie)).status).toBe(200);
  });

  // Regression: nothing bounded the size of user-supplied fields. A 2 MB
  // `name` was stored (convex-test does not enforce Convex's 1 MiB document
  // limit; a real deployment answered 500) and rode in every JWT cookie.
  // registerRoutes now refuses bodies over MAX_AUTH_BODY_BYTES with 413.
  test("a 2 MB body gets a 4xx, not a 500, and the deployment keeps serving", async () => {
    const t = setup();
    const big = "x".repeat(2 * 1024 * 1024);
    const response = await post(t, "/api/auth/sign-up/email", {
      name: big,
      email: "big@example.com",
      password: "correct horse 1",
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const ok = await post(t, "/api/auth/sign-up/email", {
      name: "Di",
      email: "di@example.com",
      password: "correct horse 1",
    });
    expect(ok.status).toBe(200);
  });
});
