import { betterAuth, type BetterAuthOptions } from "better-auth";
import { getAuthTables } from "better-auth/db";
import { convexTest } from "convex-test";
import { componentsGeneric, defineSchema } from "convex/server";
import { expect, test } from "vitest";
import { betterAuthTablesToSpec, COMPOUND_INDEXES, specToSchema } from "../schema/index.js";
import { transactionTables } from "../component-api/transaction-tables.js";
import { createApi } from "./create-api.js";
import { createClient } from "./create-client.js";
import type { AuthComponentApi } from "./types.js";

// A "local install": the user's own component folder, with a schema for
// their Better Auth options (here an extra user field) and createApi.
const createAuthOptions = (_ctx: unknown): BetterAuthOptions => ({
  emailAndPassword: { enabled: true },
  user: { additionalFields: { favoriteColor: { type: "string", required: false } } },
});
const { schema: localSchema } = specToSchema(
  betterAuthTablesToSpec(getAuthTables(createAuthOptions({})), COMPOUND_INDEXES),
);

test("createApi serves a component folder of your own, with your schema", async () => {
  const t = convexTest(defineSchema({}), { "/app/_generated/api.js": async () => ({}) });
  t.registerComponent("betterAuth", localSchema, {
    "/local/_generated/api.js": async () => ({}),
    "/local/adapter.js": async () => createApi(localSchema, createAuthOptions),
  });
  const components = componentsGeneric() as unknown as { betterAuth: AuthComponentApi };
  const authComponent = createClient(components.betterAuth, { local: { schema: localSchema } });

  const user = await t.run(async (ctx) => {
    const auth = betterAuth({
      ...createAuthOptions(ctx),
      baseURL: "http://localhost:3000",
      secret: "local-install-secret-0123456789abcdef",
      database: authComponent.adapter(ctx),
      logger: { disabled: true },
    });
    const result = await auth.api.signUpEmail({
      // The additional field is typed only when the options are a literal; here they come from a function.
      body: { name: "Lee", email: "lee@example.com", password: "correct horse 1", favoriteColor: "teal" } as never,
    });
    return await authComponent.getAnyUserById(ctx, result.user.id);
  });
  expect(user).toMatchObject({ name: "Lee", favoriteColor: "teal" });
});

test("a local schema with transactionTables gets journaled transactions; one without falls back to plain writes", async () => {
  const withTables = defineSchema({ ...(localSchema.tables as Record<string, any>), ...transactionTables });
  const t = convexTest(defineSchema({}), { "/app/_generated/api.js": async () => ({}) });
  t.registerComponent("betterAuth", withTables, {
    "/local/_generated/api.js": async () => ({}),
    "/local/adapter.js": async () => createApi(withTables, createAuthOptions),
  });
  const components = componentsGeneric() as unknown as { betterAuth: AuthComponentApi };
  const journaled = createClient(components.betterAuth, { local: { schema: withTables } });
  const plain = createClient(components.betterAuth, { local: { schema: localSchema } });

  await t.run(async (ctx) => {
    expect(plain.adapter(ctx)({}).options?.adapterConfig.transaction).toBe(false);
    const adapter = journaled.adapter(ctx)({});
    expect(typeof adapter.options?.adapterConfig.transaction).toBe("function");
    await expect(
      adapter.transaction(async (trx) => {
        await trx.create({
          model: "user",
          data: {
            id: "u1",
            name: "Lee",
            email: "lee@example.com",
            emailVerified: false,
            createdAt: new Date(),
            updatedAt: new Date(),
          },
          forceAllowId: true,
        });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await journaled.getAnyUserById(ctx, "u1")).toBeNull();
  });
});
