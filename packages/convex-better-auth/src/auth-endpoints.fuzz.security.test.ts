/**
 * Every route registerRoutes serves for the bundled plugin set, driven with
 * generated malformed requests (fast-check), signed out and signed in,
 * through the guide's app with every bundled plugin under convex-test.
 * Asserts: never a 5xx, the signed-in user's stored user and session rows
 * unchanged by every request that was refused, and a normal sign-in still
 * works afterwards. The same generators run over sockets on convex-local in
 * packages/convex-local (auth-fuzz.security.test.ts).
 */
import { convexTest } from "convex-test";
import fc from "fast-check";
import { componentsGeneric } from "convex/server";
import { describe, expect, test } from "vitest";
import { register } from "./test/index.js";
import schema from "./test-utils/fuzz-app/schema.js";
import {
  fuzzRequests,
  materialize,
  routeMethodPairs,
  routesOf,
  sessionCookies,
  type AuthRoute,
  type FuzzSpec,
} from "./test-utils/fuzz/auth-requests.js";

const modules = import.meta.glob("./test-utils/fuzz-app/**/*.ts");
const ORIGIN = "http://localhost:3000";
const BASE = "/api/auth";
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
// A fixed seed by default so `npm test` is repeatable; FUZZ_SEED=random (or a number) explores further.
const SEED = process.env.FUZZ_SEED === "random" ? undefined : Number(process.env.FUZZ_SEED ?? 17);
const PASSWORD = "correct horse battery 1";

function setup() {
  process.env.SITE_URL = ORIGIN;
  process.env.CONVEX_SITE_URL = "http://127.0.0.1:3211";
  process.env.BETTER_AUTH_SECRET = "fuzz-secret-0123456789abcdef0123456789";
  const t = convexTest(schema, modules);
  register(t);
  return t;
}

type T = ReturnType<typeof setup>;

const adapter = (componentsGeneric() as any).betterAuth.adapter;

/** The signed-in user's stored user row and its sessions, as JSON. */
async function snapshot(t: T, email: string): Promise<string> {
  return await t.run(async (ctx) => {
    const user = await ctx.runQuery(adapter.findOne, { model: "user", where: [{ field: "email", value: email }] });
    const sessions = user
      ? (
          await ctx.runQuery(adapter.findMany, {
            model: "session",
            where: [{ field: "userId", value: user.id }],
            limit: 100,
          })
        ).page
      : [];
    return JSON.stringify({ user, sessions });
  });
}

async function signIn(t: T, email: string): Promise<string> {
  const response = await t.fetch(`${BASE}/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return sessionCookies(response);
}

describe("malformed input never gets a 5xx", () => {
  test(`every route and method, then ${RUNS} generated requests, signed out and signed in`, async () => {
    const t = setup();
    const { createAuth } = await import("./test-utils/fuzz-app/auth.js");
    const routes: AuthRoute[] = routesOf(createAuth({} as never).api as Record<string, unknown>);
    expect(routes.length).toBeGreaterThan(80);

    const email = "fuzz@example.com";
    const signUp = await t.fetch(`${BASE}/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ name: "Fuzz", email, password: PASSWORD }),
    });
    expect(signUp.status).toBe(200);
    let cookie = sessionCookies(signUp);
    let before = await snapshot(t, email);

    const failures: string[] = [];
    const seen = new Set<string>();
    let sent = 0;
    const statuses = new Map<number, number>();
    async function send(spec: FuzzSpec) {
      const request = await materialize(spec, { origin: ORIGIN });
      if (request.signedIn) request.headers.cookie = [request.headers.cookie, cookie].filter(Boolean).join("; ");
      const what = `${request.method} ${BASE}${request.path.slice(0, 120)} [${request.label}${request.signedIn ? ", signed in" : ""}]`;
      let response: Response;
      try {
        response = await t.fetch(`${BASE}${request.path}`, {
          method: request.method,
          headers: request.headers,
          body: request.body,
        });
      } catch (error) {
        failures.push(`${what}: threw ${(error as Error).message.slice(0, 300)}`);
        return;
      }
      sent++;
      seen.add(`${request.method} ${spec.route.path}`);
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) failures.push(`${what}: ${response.status} ${text.slice(0, 300)}`);
      const after = await snapshot(t, email);
      if (response.status >= 400 && after !== before) {
        failures.push(`${what}: refused with ${response.status} but changed the stored user or session`);
      }
      before = after;
      // A valid sign-out or revocation ends the session: sign in again.
      if (!after.includes('"sessions":[{')) {
        cookie = await signIn(t, email);
        before = await snapshot(t, email);
      }
    }

    // Every (route, method) pair at least once signed out and once signed in…
    const pairs = routeMethodPairs(routes);
    for (const [i, pair] of pairs.entries()) {
      for (const signedIn of [false, true]) {
        const [spec] = fc.sample(fuzzRequests([pair], { wrongMethods: false }), {
          numRuns: 1,
          seed: (SEED ?? 1) + i * 2 + Number(signedIn),
        });
        await send({ ...spec!, signedIn });
      }
    }
    // …then random requests across all of them.
    await fc.assert(fc.asyncProperty(fuzzRequests(routes), send), { numRuns: RUNS, seed: SEED, endOnFailure: true });
    expect(failures, failures.slice(0, 10).join("\n")).toEqual([]);
    expect(sent).toBe(RUNS + pairs.length * 2);
    for (const pair of pairs)
      expect(seen.has(`${pair.methods[0]} ${pair.path}`), `${pair.methods[0]} ${pair.path}`).toBe(true);
    // A normal sign-in still works afterwards.
    await signIn(t, email);
    if (process.env.FUZZ_REPORT) {
      const counts = [...statuses]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}×${n}`)
        .join(" ");
      console.log(
        `fuzz: ${sent} requests, ${seen.size} route/method pairs reached (${routes.length} routes, ${pairs.length} pairs); ${counts}`,
      );
    }
  }, 300_000);

  // Regression, found by the socket fuzz: a JSON body of null, a number, a
  // string or a boolean made Better Auth's phone-number hook matcher throw
  // ("phoneNumber" in ctx.body) on /update-user: 500.
  test("a JSON body that is not an object gets a 400 on every route", async () => {
    const t = setup();
    const signUp = await t.fetch(`${BASE}/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ name: "Scalar", email: "scalar@example.com", password: PASSWORD }),
    });
    const cookie = sessionCookies(signUp);
    for (const path of ["/update-user", "/sign-in/email", "/organization/create", "/change-password"]) {
      for (const body of ["null", "5", '"x"', "true"]) {
        const response = await t.fetch(`${BASE}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: ORIGIN, cookie },
          body,
        });
        expect(response.status, `${path} ${body}`).toBe(400);
        expect(await response.json(), `${path} ${body}`).toMatchObject({ code: "VALIDATION_ERROR" });
      }
    }
  });
});
