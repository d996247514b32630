/**
 * Convex-specific behaviour of the adapter over the built-in component:
 * index use at scale, paging, counting and atomic single-use operations.
 */
import { betterAuth } from "better-auth";
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { beforeAll, describe, expect, test, vi } from "vitest";
import schema from "../component/schema.js";
import { isConvexBetterAuthError } from "../shared/errors.js";
import { meteredCtx } from "../test-utils/metered-ctx.js";
import { APIError } from "better-auth/api";
import { convexAdapter } from "./adapter.js";
import type { AuthComponentApi } from "./types.js";

const modules = {
  "/component/_generated/api.js": async () => ({}),
  "/component/adapter.js": () => import("../component/adapter.js"),
};
const component = { adapter: anyApi.adapter } as unknown as AuthComponentApi;
const USERS = 1000;

function newDeployment() {
  return convexTest(schema, modules);
}

async function seedUsers(t: ReturnType<typeof newDeployment>, count: number) {
  await t.run(async (ctx) => {
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < count; i++) {
      const id = `user-${String(i).padStart(5, "0")}`;
      await ctx.db.insert("user", {
        id,
        name: `User ${i}`,
        email: `user${i}@example.com`,
        emailVerified: false,
        createdAt: base + i * 1000,
        updatedAt: base + i * 1000,
      });
      await ctx.db.insert("session", {
        id: `session-${i}`,
        token: `token-${i}`,
        userId: id,
        expiresAt: Date.now() + 86_400_000,
        createdAt: base,
        updatedAt: base,
      });
    }
  });
}

function auth(ctx: ReturnType<typeof meteredCtx>["ctx"]) {
  return betterAuth({
    baseURL: "http://localhost:3000",
    secret: "a-test-secret-that-is-long-enough-0123456789",
    database: convexAdapter(ctx, component),
    emailAndPassword: { enabled: true, sendResetPassword: async () => {} },
    logger: { disabled: true },
  });
}

describe("Better Auth core queries use an index", () => {
  const t = newDeployment();
  const metered = meteredCtx(t);
  beforeAll(() => seedUsers(t, USERS), 60_000);

  test(`no core call reads more than a handful of documents with ${USERS} users`, async () => {
    const a = auth(metered.ctx);
    const email = "new.person@example.com";
    const signUp = await a.api.signUpEmail({
      body: { name: "New Person", email, password: "correct horse 1" },
      asResponse: true,
    });
    expect(signUp.status).toBe(200);
    const signIn = await a.api.signInEmail({ body: { email, password: "correct horse 1" }, asResponse: true });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const headers = new Headers({ cookie });
    expect((await a.api.getSession({ headers }))?.user.email).toBe(email);
    expect(await a.api.listSessions({ headers })).toHaveLength(2);
    await a.api.updateUser({ headers, body: { name: "Renamed" } });
    await a.api.changePassword({
      headers,
      body: { currentPassword: "correct horse 1", newPassword: "correct horse 2" },
    });
    await a.api.requestPasswordReset({ body: { email, redirectTo: "http://localhost:3000/reset" } });
    await a.api.revokeOtherSessions({ headers });
    await a.api.signOut({ headers });
    // A wrong password still looks the user up by email, through the index.
    const wrong = await a.api.signInEmail({ body: { email, password: "nope nope nope" }, asResponse: true });
    expect(wrong.status).toBe(401);

    expect(metered.calls.length).toBeGreaterThan(10);
    // The meter is live: a filter on a field no index covers reads every row.
    const before = metered.calls.length;
    await convexAdapter(
      metered.ctx,
      component,
    )({}).findMany({
      model: "user",
      where: [{ field: "image", operator: "contains", value: "x" }],
    });
    const scan = metered.calls.splice(before);
    expect(scan.reduce((sum, call) => sum + call.documentsRead, 0)).toBeGreaterThanOrEqual(USERS);
    const heavy = metered.calls.filter((call) => call.documentsRead > 5);
    expect(heavy, JSON.stringify(heavy, null, 1)).toEqual([]);
  });
});

describe("paging and counting", () => {
  const t = newDeployment();
  const { ctx } = meteredCtx(t);
  beforeAll(() => seedUsers(t, 1050), 60_000);

  test("findMany pages past 200 rows in sort order without gaps", async () => {
    const adapter = convexAdapter(ctx, component)({});
    const rows = await adapter.findMany<{ id: string; createdAt: Date }>({
      model: "user",
      limit: 450,
      sortBy: { field: "createdAt", direction: "desc" },
    });
    expect(rows).toHaveLength(450);
    expect(new Set(rows.map((r) => r.id)).size).toBe(450);
    expect(rows[0]!.id).toBe("user-01049");
    expect(rows[449]!.id).toBe("user-00600");
    expect(rows[0]!.createdAt).toBeInstanceOf(Date);
  });

  test("offset skips rows after sorting", async () => {
    const adapter = convexAdapter(ctx, component)({});
    const rows = await adapter.findMany<{ id: string }>({
      model: "user",
      limit: 5,
      offset: 300,
      sortBy: { field: "createdAt", direction: "asc" },
    });
    expect(rows.map((r) => r.id)).toEqual(["user-00300", "user-00301", "user-00302", "user-00303", "user-00304"]);
  });

  test("count is exact over 1,000 rows, with and without a where clause", async () => {
    const adapter = convexAdapter(ctx, component)({});
    expect(await adapter.count({ model: "user" })).toBe(1050);
    expect(await adapter.count({ model: "session", where: [{ field: "userId", value: "user-00007" }] })).toBe(1);
    expect(
      await adapter.count({
        model: "user",
        where: [{ field: "createdAt", operator: "gte", value: new Date(Date.UTC(2026, 0, 1) + 1000 * 1000) }],
      }),
    ).toBe(50);
  });

  test("updateMany and deleteMany return exact counts across batches", async () => {
    const adapter = convexAdapter(ctx, component)({});
    const where = [{ field: "name", operator: "starts_with" as const, value: "User 10" }];
    // "User 10", "User 100".."User 109", "User 1000".."User 1049" = 1 + 10 + 50
    expect(await adapter.updateMany({ model: "user", where, update: { emailVerified: true } })).toBe(61);
    expect(
      await adapter.deleteMany({
        model: "session",
        where: [{ field: "token", operator: "in", value: ["token-1", "token-2", "nope"] }],
      }),
    ).toBe(2);
  });
});

describe("atomic single-use operations", () => {
  test("consumeOne called concurrently has exactly one winner", async () => {
    const t = newDeployment();
    const { ctx } = meteredCtx(t);
    const adapter = convexAdapter(ctx, component)({});
    await adapter.create({
      model: "verification",
      data: {
        identifier: "reset:abc",
        value: "u1",
        expiresAt: new Date(Date.now() + 60_000),
        createdAt: new Date(),
        updatedAt: new Date(),
      },
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        adapter.consumeOne({ model: "verification", where: [{ field: "identifier", value: "reset:abc" }] }),
      ),
    );
    expect(results.filter((row) => row !== null)).toHaveLength(1);
    expect(await adapter.count({ model: "verification" })).toBe(0);
  });

  test("incrementOne under concurrency loses no increment", async () => {
    const t = newDeployment();
    const { ctx } = meteredCtx(t);
    const adapter = convexAdapter(ctx, component)({ rateLimit: { storage: "database" } });
    await adapter.create({ model: "rateLimit", data: { key: "ip|/sign-in", count: 0, lastRequest: Date.now() } });
    await Promise.all(
      Array.from({ length: 50 }, () =>
        adapter.incrementOne({
          model: "rateLimit",
          where: [{ field: "key", value: "ip|/sign-in" }],
          increment: { count: 1 },
        }),
      ),
    );
    const row = await adapter.findOne<{ count: number }>({
      model: "rateLimit",
      where: [{ field: "key", value: "ip|/sign-in" }],
    });
    expect(row?.count).toBe(50);
  });
});

describe("queries that fit no index", () => {
  test("scan within a bound and warn once, naming the index to add", async () => {
    const t = newDeployment();
    await seedUsers(t, 20);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const adapter = convexAdapter(meteredCtx(t).ctx, component)({});
      const where = [{ field: "userAgent", value: "curl/8" }];
      expect(await adapter.findMany({ model: "session", where })).toEqual([]);
      expect(await adapter.findMany({ model: "session", where })).toEqual([]);
      const messages = warn.mock.calls.map((call) => String(call[0])).filter((m) => m.includes('"session"'));
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('Add an index on ["userAgent"]');
    } finally {
      warn.mockRestore();
    }
  });
});

describe("coded errors", () => {
  const t = newDeployment();
  const { ctx } = meteredCtx(t);

  test("unknown model and unknown field", async () => {
    await expect(ctx.runQuery(component.adapter.findOne, { model: "nope", where: [] })).rejects.toSatisfy((error) =>
      isConvexBetterAuthError(error, "UNKNOWN_MODEL"),
    );
    await expect(
      ctx.runQuery(component.adapter.findOne, { model: "user", where: [{ field: "shoeSize", value: 1 }] }),
    ).rejects.toSatisfy((error) => isConvexBetterAuthError(error, "UNKNOWN_FIELD"));
    await expect(
      ctx.runMutation!(component.adapter.create, { input: { model: "user", data: { id: "x", name: 1 } } }),
    ).rejects.toSatisfy((error) => isConvexBetterAuthError(error, "INVALID_ARGUMENT"));
  });

  test("a duplicate unique value is refused: DUPLICATE_VALUE from the component, a 422 APIError from the adapter", async () => {
    const adapter = convexAdapter(ctx, component)({});
    const user = {
      name: "A",
      email: "dup@example.com",
      emailVerified: false,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    await adapter.create({ model: "user", data: user });
    await expect(adapter.create({ model: "user", data: user })).rejects.toSatisfy(
      (error) =>
        error instanceof APIError &&
        error.statusCode === 422 &&
        (error.body as { code?: string }).code === "DUPLICATE_VALUE",
    );
    await expect(
      ctx.runMutation!(component.adapter.create, {
        input: { model: "user", data: { ...user, createdAt: 1, updatedAt: 1 } },
      }),
    ).rejects.toSatisfy((error) => isConvexBetterAuthError(error, "DUPLICATE_VALUE"));
  });
});

describe("query ctx", () => {
  test("reads work, best-effort writes are skipped, other writes throw a coded error", async () => {
    const t = newDeployment();
    await seedUsers(t, 3);
    const queryCtx = { runQuery: (ref: any, args: any) => t.query(ref, args) };
    const adapter = convexAdapter(queryCtx, component)({});
    expect(
      await adapter.findOne({ model: "user", where: [{ field: "email", value: "user1@example.com" }] }),
    ).not.toBeNull();
    // Session refresh while reading: skipped, the stored row comes back.
    const refreshed = await adapter.update<{ token: string }>({
      model: "session",
      where: [{ field: "token", value: "token-1" }],
      update: { expiresAt: new Date(Date.now() + 1e9), updatedAt: new Date() },
    });
    expect(refreshed?.token).toBe("token-1");
    expect(
      await adapter.deleteMany({
        model: "verification",
        where: [{ field: "expiresAt", operator: "lt", value: new Date() }],
      }),
    ).toBe(0);
    await expect(
      adapter.update({ model: "user", where: [{ field: "id", value: "user-00001" }], update: { name: "x" } }),
    ).rejects.toSatisfy((error) => isConvexBetterAuthError(error, "WRITE_IN_QUERY_CTX"));
    await expect(adapter.delete({ model: "session", where: [{ field: "token", value: "token-1" }] })).rejects.toSatisfy(
      (error) => isConvexBetterAuthError(error, "WRITE_IN_QUERY_CTX"),
    );
  });
});
