/**
 * A local install written for `@convex-dev/better-auth`, with the import
 * renamed: its schema has no `id` field, its `adapter.ts` exports only
 * `create, findOne, findMany, updateOne, updateMany, deleteOne, deleteMany`
 * from `createApi`. The client must give the same results through those.
 */
import { betterAuth, type BetterAuthOptions } from "better-auth";
import { convexTest } from "convex-test";
import { componentsGeneric, defineSchema } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { APIError } from "better-auth/api";
import priorArtLocalSchema from "../test-utils/prior-art-app/betterAuth/schema.js";
import { createApi } from "./create-api.js";
import { createClient } from "./create-client.js";
import type { AuthComponentApi } from "./types.js";

// The prior art's local-install schema shape: no `id` field, its own index
// names and an extra user field.
const localSchema = priorArtLocalSchema;

const createAuthOptions = (_ctx: unknown): BetterAuthOptions => ({
  emailAndPassword: { enabled: true },
  user: { additionalFields: { favoriteColor: { type: "string", required: false } } },
  rateLimit: { enabled: true, storage: "database" },
});

function deployment() {
  const { create, findOne, findMany, updateOne, updateMany, deleteOne, deleteMany } = createApi(
    localSchema,
    createAuthOptions,
  );
  const t = convexTest(defineSchema({}), { "/app/_generated/api.js": async () => ({}) });
  t.registerComponent("betterAuth", localSchema, {
    "/local/_generated/api.js": async () => ({}),
    "/local/adapter.js": async () => ({ create, findOne, findMany, updateOne, updateMany, deleteOne, deleteMany }),
  });
  const components = componentsGeneric() as unknown as { betterAuth: AuthComponentApi };
  const authComponent = createClient(components.betterAuth, { local: { schema: localSchema } });
  const auth = (ctx: any) =>
    betterAuth({
      ...createAuthOptions(ctx),
      baseURL: "http://localhost:3000",
      secret: "local-install-secret-0123456789abcdef",
      database: authComponent.adapter(ctx),
      logger: { disabled: true },
    });
  return { t, authComponent, auth };
}

afterEach(() => vi.restoreAllMocks());

describe("a local install that exports only the seven basic adapter functions", () => {
  test("sign-up, sign-in and getAuthUser work; expired or revoked sessions give null", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { t, authComponent, auth } = deployment();
    // Convex functions return Convex values: dates travel as JSON text here.
    const json = <T>(value: T): T => JSON.parse(JSON.stringify(value));
    const signedUp = await t.run(async (ctx) =>
      json(
        await auth(ctx).api.signUpEmail({
          body: { name: "Lee", email: "lee@example.com", password: "correct horse 1" },
        }),
      ),
    );
    const signedIn = await t.run(async (ctx) =>
      json(await auth(ctx).api.signInEmail({ body: { email: "lee@example.com", password: "correct horse 1" } })),
    );
    expect(signedIn.user.id).toBe(signedUp.user.id);
    const session = await t.run(async (ctx) =>
      ctx.runQuery((componentsGeneric() as any).betterAuth.adapter.findOne, {
        model: "session",
        where: [{ field: "token", value: signedIn.token }],
      }),
    );
    // The Better Auth ids are Convex ids: no `id` field is stored.
    expect(session.id).toBe(session._id);
    const asUser = t.withIdentity({ subject: signedUp.user.id, sessionId: session.id });
    const user = await asUser.run(async (ctx) => await authComponent.getAuthUser(ctx));
    // The stored document, as `ctx.db.get` (and the one-call getAuthUser) gives it.
    expect(user).toMatchObject({ _id: signedUp.user.id, email: "lee@example.com" });
    expect(user).not.toHaveProperty("id");
    expect(user).not.toHaveProperty("image");
    // A second call goes straight to the basic functions and warns no more.
    await asUser.run(async (ctx) => await authComponent.safeGetAuthUser(ctx));
    expect(warn.mock.calls.filter(([message]) => String(message).includes("getAuthUser"))).toHaveLength(1);

    const headers = await asUser.run(async (ctx) =>
      Object.fromEntries((await authComponent.getHeaders(ctx)).entries()),
    );
    expect(headers.authorization).toBe(`Bearer ${session.token}`);

    await t.run(async (ctx) => {
      await ctx.runMutation((componentsGeneric() as any).betterAuth.adapter.deleteOne, {
        input: { model: "session", where: [{ field: "id", value: session.id }] },
      });
    });
    expect(await asUser.run(async (ctx) => await authComponent.safeGetAuthUser(ctx))).toBeNull();
    // A malformed or foreign id is "not found", never a validator error.
    const stranger = t.withIdentity({ subject: "x", sessionId: "not-a-convex-id" });
    expect(await stranger.run(async (ctx) => await authComponent.safeGetAuthUser(ctx))).toBeNull();
  });

  test("consumeOne, incrementOne and count give the same results through the basic functions", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const { t, authComponent } = deployment();
    const result = await t.run(async (ctx) => {
      const adapter = authComponent.adapter(ctx)(createAuthOptions(ctx));
      const now = new Date();
      const data = {
        identifier: "reset:abc",
        value: "v",
        expiresAt: new Date(Date.now() + 60_000),
        createdAt: now,
        updatedAt: now,
      };
      await adapter.create({ model: "verification", data });
      const where = [{ field: "identifier", value: "reset:abc" }];
      const first = await adapter.consumeOne!({ model: "verification", where });
      const second = await adapter.consumeOne!({ model: "verification", where });

      await adapter.create({ model: "rateLimit", data: { key: "ip|/sign-in", count: 1, lastRequest: 1 } });
      const bumped = await adapter.incrementOne!({
        model: "rateLimit",
        where: [{ field: "key", value: "ip|/sign-in" }],
        increment: { count: 2 },
        set: { lastRequest: 5 },
      });
      const none = await adapter.incrementOne!({
        model: "rateLimit",
        where: [{ field: "key", value: "other" }],
        increment: { count: 1 },
      });
      for (let i = 0; i < 3; i++)
        await adapter.create({ model: "rateLimit", data: { key: `k${i}`, count: 0, lastRequest: i } });
      return JSON.parse(
        JSON.stringify({
          first,
          second,
          bumped,
          none,
          total: await adapter.count({ model: "rateLimit" }),
          some: await adapter.count({
            model: "rateLimit",
            where: [{ field: "lastRequest", operator: "lt", value: 2 }],
          }),
        }),
      );
    });
    expect(result.first).toMatchObject({ identifier: "reset:abc", value: "v" });
    expect(result.second).toBeNull();
    expect(result.bumped).toMatchObject({ key: "ip|/sign-in", count: 3, lastRequest: 5 });
    expect(result.none).toBeNull();
    expect(result.total).toBe(4);
    expect(result.some).toBe(2);
  });

  test("a chosen id is refused with a coded error that says what to change", async () => {
    const { t, authComponent } = deployment();
    const error = await t
      .run(async (ctx) =>
        authComponent
          .adapter(ctx)(createAuthOptions(ctx))
          .create({
            model: "user",
            data: {
              id: "chosen",
              name: "A",
              email: "a@example.com",
              emailVerified: false,
              createdAt: new Date(),
              updatedAt: new Date(),
            },
            forceAllowId: true,
          }),
      )
      .catch((caught: unknown) => caught);
    // Through Better Auth's adapter the component's INVALID_ARGUMENT is a 400 APIError.
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).statusCode).toBe(400);
    expect((error as APIError).body).toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringMatching(/generateId|`id` string field/),
    });
  });
});
