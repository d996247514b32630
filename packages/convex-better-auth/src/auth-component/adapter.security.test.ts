/**
 * Security and reliability of Better Auth over the built-in component under
 * convex-test: concurrent sign-ups, sign-ins, single-use tokens and database
 * rate limiting, and bad input to the component's adapter functions. Every
 * database call goes through the real component functions, each in its own
 * transaction, as from an HTTP action.
 */
import { betterAuth } from "better-auth";
import { emailOTP, magicLink } from "better-auth/plugins";
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { describe, expect, test } from "vitest";
import schema from "../component/schema.js";
import { isConvexBetterAuthError } from "../shared/errors.js";
import { meteredCtx } from "../test-utils/metered-ctx.js";
import { convexAdapter } from "./adapter.js";
import type { AuthComponentApi } from "./types.js";

const modules = {
  "/component/_generated/api.js": async () => ({}),
  "/component/adapter.js": () => import("../component/adapter.js"),
};
const component = { adapter: anyApi.adapter } as unknown as AuthComponentApi;
const BASE = "http://localhost:3000";
const PASSWORD = "correct horse 1";

function deployment() {
  const t = convexTest(schema, modules);
  return { t, ctx: meteredCtx(t).ctx };
}

async function fastHash(password: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(password));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

type Mail = { otp: string[]; magic: string[] };

function auth(ctx: ReturnType<typeof deployment>["ctx"], mail: Mail = { otp: [], magic: [] }, rateLimitMax?: number) {
  return betterAuth({
    baseURL: BASE,
    secret: "a-test-secret-that-is-long-enough-0123456789",
    database: convexAdapter(ctx, component),
    // A fast hash: these tests measure the database, not scrypt, whose cost
    // on a 2-core machine would dominate 250 sign-ups and sign-ins.
    emailAndPassword: {
      enabled: true,
      password: { hash: fastHash, verify: async ({ hash, password }) => hash === (await fastHash(password)) },
    },
    logger: { disabled: true },
    rateLimit:
      rateLimitMax === undefined
        ? { enabled: false }
        : { enabled: true, storage: "database", window: 60, max: rateLimitMax, customRules: {} },
    plugins: [
      emailOTP({ sendVerificationOTP: async ({ otp }) => void mail.otp.push(otp) }),
      magicLink({ sendMagicLink: async ({ token }) => void mail.magic.push(token) }),
    ],
  });
}

function request(path: string, body: unknown, headers: Record<string, string> = {}) {
  return new Request(`${BASE}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: BASE, ...headers },
    body: JSON.stringify(body),
  });
}

async function tableRows(t: ReturnType<typeof deployment>["t"], table: string): Promise<Record<string, unknown>[]> {
  return await t.run(async (ctx) => await ctx.db.query(table as never).collect());
}

describe("concurrency through the component", () => {
  test("50 concurrent sign-ups with one email: exactly one user, the rest a clean 4xx", async () => {
    const { t, ctx } = deployment();
    const a = auth(ctx);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        a.handler(request("/sign-up/email", { name: `N${i}`, email: "dup@example.com", password: PASSWORD })),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s >= 400 && s < 500)).toHaveLength(49);
    const users = await tableRows(t, "user");
    expect(users).toHaveLength(1);
    const accounts = await tableRows(t, "account");
    expect(accounts).toHaveLength(1);
    expect(accounts[0]!.userId).toBe(users[0]!._id);
    // The one user can sign in.
    expect((await a.handler(request("/sign-in/email", { email: "dup@example.com", password: PASSWORD }))).status).toBe(
      200,
    );
  });

  test("200 concurrent sign-ins of one user: 200 distinct sessions", async () => {
    const { t, ctx } = deployment();
    const a = auth(ctx);
    expect(
      (await a.handler(request("/sign-up/email", { name: "Ada", email: "ada@example.com", password: PASSWORD })))
        .status,
    ).toBe(200);
    const responses = await Promise.all(
      Array.from({ length: 200 }, () =>
        a.handler(request("/sign-in/email", { email: "ada@example.com", password: PASSWORD })),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    const tokens = await Promise.all(responses.map(async (r) => ((await r.json()) as { token: string }).token));
    expect(new Set(tokens).size).toBe(200);
    const sessions = await tableRows(t, "session");
    // 200 sign-ins plus the sign-up's session, all distinct tokens.
    expect(sessions).toHaveLength(201);
    expect(new Set(sessions.map((s) => s.token)).size).toBe(201);
  });

  test("one email OTP verified twice concurrently: exactly one success", async () => {
    const { t, ctx } = deployment();
    const mail: Mail = { otp: [], magic: [] };
    const a = auth(ctx, mail);
    await a.handler(request("/sign-up/email", { name: "Bo", email: "bo@example.com", password: PASSWORD }));
    const sent = await a.handler(
      request("/email-otp/send-verification-otp", { email: "bo@example.com", type: "sign-in" }),
    );
    expect(sent.status).toBe(200);
    const otp = mail.otp.at(-1)!;
    const before = new Set((await tableRows(t, "session")).map((s) => s.token));
    const results = await Promise.all(
      [0, 1].map(() => a.handler(request("/sign-in/email-otp", { email: "bo@example.com", otp }))),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect(statuses[1]).toBeGreaterThanOrEqual(400);
    expect(statuses[1]).toBeLessThan(500);
    // Exactly one OTP sign-in created a session (Better Auth may drop the
    // sign-up's session when the OTP verifies the email).
    const created = (await tableRows(t, "session")).filter((s) => !before.has(s.token));
    expect(created).toHaveLength(1);
  });

  test("one magic-link token verified twice concurrently: exactly one success", async () => {
    const { t, ctx } = deployment();
    const mail: Mail = { otp: [], magic: [] };
    const a = auth(ctx, mail);
    expect((await a.handler(request("/sign-in/magic-link", { email: "cy@example.com" }))).status).toBe(200);
    const token = mail.magic.at(-1)!;
    const verify = () =>
      a.handler(
        new Request(`${BASE}/api/auth/magic-link/verify?token=${encodeURIComponent(token)}`, {
          headers: { origin: BASE },
        }),
      );
    const results = await Promise.all([verify(), verify()]);
    // Success sets a session cookie; failure redirects with ?error= and no session.
    const signedIn = results.filter((r) =>
      r.headers.getSetCookie().some((c) => c.includes("session_token=") && !/max-age=0/i.test(c)),
    );
    expect(signedIn).toHaveLength(1);
    expect(results.every((r) => r.status < 500)).toBe(true);
    expect(await tableRows(t, "session")).toHaveLength(1);
  });

  test("database rate limiting under 100 concurrent requests: 429s where due, never a 500", async () => {
    const { t, ctx } = deployment();
    const max = 10;
    const a = auth(ctx, undefined, max);
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        a.handler(
          request(
            "/sign-in/email",
            { email: "nobody@example.com", password: PASSWORD },
            { "x-forwarded-for": "203.0.113.7" },
          ),
        ),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const limited = statuses.filter((s) => s === 429).length;
    const passed = statuses.filter((s) => s !== 429).length;
    // At most `max` requests get through the window; the rest are refused.
    expect(passed).toBeLessThanOrEqual(max);
    expect(limited).toBeGreaterThanOrEqual(100 - max);
    const rows = await tableRows(t, "rateLimit");
    expect(rows).toHaveLength(1);
    // Another client is not affected.
    const other = await a.handler(
      request(
        "/sign-in/email",
        { email: "nobody@example.com", password: PASSWORD },
        { "x-forwarded-for": "198.51.100.1" },
      ),
    );
    expect(other.status).toBe(401);
  });
});

describe("bad input to the component's adapter functions", () => {
  const { ctx } = deployment();

  test("unknown models and fields, wrong types and invalid ids get stable codes", async () => {
    const code = (c: string) => (error: unknown) => isConvexBetterAuthError(error, c as never);
    await expect(ctx.runQuery(component.adapter.findMany, { model: "secrets", where: [] })).rejects.toSatisfy(
      code("UNKNOWN_MODEL"),
    );
    await expect(
      ctx.runMutation!(component.adapter.create, {
        input: { model: "session", data: { id: "s", token: "t", isAdmin: true } },
      }),
    ).rejects.toSatisfy(code("UNKNOWN_FIELD"));
    await expect(
      ctx.runMutation!(component.adapter.create, {
        input: {
          model: "user",
          data: { id: "x", name: "A", email: 42, emailVerified: "yes", createdAt: 1, updatedAt: 1 },
        },
      }),
    ).rejects.toSatisfy(code("INVALID_ARGUMENT"));
    // Better Auth ids are strings; a made-up or Convex-shaped id finds nothing instead of failing.
    for (const id of ["", "not-an-id", "j57abcdefghijklmnopqrstuvw", "../../user", "' OR 1=1 --"]) {
      expect(
        await ctx.runQuery(component.adapter.findOne, { model: "user", where: [{ field: "id", value: id }] }),
      ).toBeNull();
    }
    // Still serving afterwards.
    const adapter = convexAdapter(ctx, component)({});
    const user = await adapter.create<{ id: string }>({
      model: "user",
      data: { name: "A", email: "a@example.com", emailVerified: false, createdAt: new Date(), updatedAt: new Date() },
    });
    expect(await adapter.findOne({ model: "user", where: [{ field: "id", value: user.id }] })).not.toBeNull();
  });
});
