import { convexTest } from "convex-test";
import { anyApi, httpRouter } from "convex/server";
import { describe, expect, test, vi } from "vitest";
import { isConvexBetterAuthError } from "../shared/errors.js";
import { register } from "../test/index.js";
import { authComponent } from "../test-utils/trigger-app/auth.js";
import schema from "../test-utils/trigger-app/schema.js";
import { FORWARDED_HOST_HEADER } from "./forwarded-headers.js";
import { registerRoutes, registerRoutesLazy } from "./register-routes.js";

const modules = import.meta.glob("../test-utils/trigger-app/**/*.ts");
const DAY = 86_400_000;

function setup() {
  const t = convexTest(schema, modules);
  register(t);
  return t;
}

type T = ReturnType<typeof setup>;

const newUser = (id: string, name: string) => ({
  id,
  name,
  email: `${id}@example.com`,
  emailVerified: false,
  createdAt: new Date(),
  updatedAt: new Date(),
});

async function createUserWithSession(t: T, id: string, expiresAt = Date.now() + DAY) {
  await t.run(async (ctx) => {
    const adapter = authComponent.adapter(ctx)({});
    await adapter.create({ model: "user", data: newUser(id, `Name ${id}`), forceAllowId: true });
    await adapter.create({
      model: "session",
      data: {
        id: `s-${id}`,
        token: `t-${id}`,
        userId: id,
        expiresAt: new Date(expiresAt),
        createdAt: new Date(),
        updatedAt: new Date(),
      },
      forceAllowId: true,
    });
  });
}

describe("triggers run in the same transaction as the write", () => {
  test("onCreate, onUpdate (new and old doc) and onDelete", async () => {
    const t = setup();
    await t.run(async (ctx) => {
      const adapter = authComponent.adapter(ctx)({});
      await adapter.create({ model: "user", data: newUser("u1", "Ada"), forceAllowId: true });
      await adapter.update({ model: "user", where: [{ field: "id", value: "u1" }], update: { name: "Ada L." } });
    });
    const state = await t.run(async (ctx) => ({
      profiles: await ctx.db.query("profiles").collect(),
      audit: await ctx.db.query("audit").collect(),
    }));
    expect(state.profiles.map((p) => p.name)).toEqual(["Ada L."]);
    expect(state.audit.map((a) => a.event)).toEqual(["rename Ada -> Ada L."]);

    await t.run(async (ctx) => {
      await authComponent
        .adapter(ctx)({})
        .delete({ model: "user", where: [{ field: "id", value: "u1" }] });
    });
    expect(await t.run((ctx) => ctx.db.query("profiles").collect())).toEqual([]);
  });

  test("a rolled-back Better Auth transaction runs the mirroring triggers", async () => {
    const t = setup();
    await t.run(async (ctx) => {
      const adapter = authComponent.adapter(ctx)({});
      await adapter.create({ model: "user", data: newUser("kept", "Kept"), forceAllowId: true });
      await expect(
        adapter.transaction(async (trx) => {
          await trx.create({ model: "user", data: newUser("u3", "Grace"), forceAllowId: true });
          await trx.update({ model: "user", where: [{ field: "id", value: "kept" }], update: { name: "Kept 2" } });
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
    });
    const state = await t.run(async (ctx) => ({
      profiles: await ctx.db.query("profiles").collect(),
      audit: await ctx.db.query("audit").collect(),
    }));
    // onDelete removed Grace's profile; onUpdate renamed Kept back.
    expect(state.profiles.map((p) => p.name)).toEqual(["Kept"]);
    expect(state.audit.map((a) => a.event)).toEqual(["rename Kept -> Kept 2", "rename Kept 2 -> Kept"]);
  });

  test("a throwing trigger rolls the write back", async () => {
    const t = setup();
    await expect(
      t.run(async (ctx) => {
        await authComponent
          .adapter(ctx)({})
          .create({ model: "user", data: newUser("u2", "Reject Me"), forceAllowId: true });
      }),
    ).rejects.toThrow(/trigger refused/);
    const found = await t.run((ctx) => authComponent.getAnyUserById(ctx, "u2"));
    expect(found).toBeNull();
  });
});

describe("who is signed in", () => {
  test("getAuthUser returns the user of a live session", async () => {
    const t = setup();
    await createUserWithSession(t, "u1");
    const user = await t
      .withIdentity({ subject: "u1", sessionId: "s-u1" } as never)
      .query((ctx) => authComponent.getAuthUser(ctx));
    expect(user).toMatchObject({ id: "u1", name: "Name u1" });
  });

  test("safeGetAuthUser is null, never a validator error, in every unauthenticated case", async () => {
    const t = setup();
    await createUserWithSession(t, "live");
    await createUserWithSession(t, "expired", Date.now() - 1000);
    await createUserWithSession(t, "gone");
    await t.run(async (ctx) => {
      await authComponent
        .adapter(ctx)({})
        .delete({ model: "user", where: [{ field: "id", value: "gone" }] });
    });
    const cases: Record<string, object | null> = {
      "no identity": null,
      "no sessionId claim (dashboard 'act as user')": { subject: "live" },
      "sessionId of another user": { subject: "expired", sessionId: "s-live" },
      "expired session": { subject: "expired", sessionId: "s-expired" },
      "revoked session": { subject: "live", sessionId: "s-revoked" },
      "deleted user": { subject: "gone", sessionId: "s-gone" },
      "non-string sessionId": { subject: "live", sessionId: 42 },
    };
    for (const [name, identity] of Object.entries(cases)) {
      const runner = identity ? t.withIdentity(identity as never) : t;
      expect(await runner.query((ctx) => authComponent.safeGetAuthUser(ctx)), name).toBeNull();
      await expect(
        runner.query((ctx) => authComponent.getAuthUser(ctx)),
        name,
      ).rejects.toSatisfy((error) => isConvexBetterAuthError(error, "UNAUTHENTICATED"));
    }
  });

  test("clientApi().getAuthUser is a public query over the same check", async () => {
    const t = setup();
    await createUserWithSession(t, "u1");
    const user = await t.withIdentity({ subject: "u1", sessionId: "s-u1" } as never).query(anyApi.auth.getAuthUser, {});
    expect(user).toMatchObject({ id: "u1" });
  });

  test("getHeaders carries the live session's token, and nothing without one", async () => {
    const t = setup();
    await createUserWithSession(t, "u1");
    const headers = await t
      .withIdentity({ subject: "u1", sessionId: "s-u1" } as never)
      .query(async (ctx) => Object.fromEntries(await authComponent.getHeaders(ctx)));
    expect(headers.authorization).toBe("Bearer t-u1");
    const none = await t.query(async (ctx) => Object.fromEntries(await authComponent.getHeaders(ctx)));
    expect(none).toEqual({});
  });
});

describe("registerRoutes", () => {
  const fakeAuth = (basePath?: string) => ({
    handler: async (request: Request) =>
      Response.json({ path: new URL(request.url).pathname, forwardedHost: request.headers.get("x-forwarded-host") }),
    options: { basePath, baseURL: "https://app.example.com", trustedOrigins: ["https://admin.example.com"] },
  });

  test("routes every method under basePath and the discovery redirect", () => {
    const http = httpRouter();
    const createAuth = vi.fn(() => fakeAuth("/auth"));
    registerRoutes(http, createAuth);
    expect(createAuth).toHaveBeenCalledTimes(1);
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const) {
      expect(http.lookup("/auth/sign-in/email", method), method).not.toBeNull();
    }
    expect(http.lookup("/api/auth/sign-in/email", "POST")).toBeNull();
    expect(http.lookup("/.well-known/openid-configuration", "GET")).not.toBeNull();
  });

  test("the lazy variant does not build Better Auth when http.ts loads", () => {
    const http = httpRouter();
    const createAuth = vi.fn(() => fakeAuth());
    registerRoutesLazy(http, createAuth, { cors: true });
    expect(createAuth).not.toHaveBeenCalled();
    expect(http.lookup("/api/auth/get-session", "GET")).not.toBeNull();
    expect(http.lookup("/api/auth/get-session", "OPTIONS")).not.toBeNull();
  });

  test("serves requests through Better Auth, restoring the proxy's forwarded host", async () => {
    const t = setup();
    const http = httpRouter();
    registerRoutes(http, () => fakeAuth());
    const [handler] = http.lookup("/api/auth/ok", "GET")!;
    const body = await t.run(async () => {
      // The route's handler is the HTTP action Convex would invoke.
      const action = handler as unknown as { _handler: (ctx: unknown, request: Request) => Promise<Response> };
      const response = await action._handler(
        {},
        new Request("https://site.example.com/api/auth/ok", {
          headers: { [FORWARDED_HOST_HEADER]: "app.example.com" },
        }),
      );
      return await response.json();
    });
    expect(body).toEqual({ path: "/api/auth/ok", forwardedHost: "app.example.com" });
  });
});
