import { readdirSync } from "node:fs";
import { sep } from "node:path";
import { fileURLToPath } from "node:url";
import { convexTest } from "convex-test";
import { componentsGeneric, defineSchema } from "convex/server";
import { describe, expect, test } from "vitest";
import type { ComponentApi } from "../component/_generated/component.js";
import testEntry, { modules, register, schema } from "./index.js";

const components = componentsGeneric() as unknown as { betterAuth: ComponentApi; auth: ComponentApi };

function app() {
  return convexTest(defineSchema({}), { "/app/_generated/api.js": async () => ({}) });
}

const now = Date.now();
const user = { id: "u1", name: "A", email: "a@x.io", emailVerified: false, createdAt: now, updatedAt: now };

describe("register", () => {
  test("modules list every file of src/component (with _generated) and no test files", async () => {
    const componentDir = fileURLToPath(new URL("../component/", import.meta.url));
    const onDisk = readdirSync(componentDir, { recursive: true, encoding: "utf8" })
      .map((file) => file.split(sep).join("/"))
      .filter((file) => /\.tsx?$/.test(file) && !/\.test(-d)?\.tsx?$/.test(file))
      .map((file) => `../component/${file}`)
      .sort();
    // A new component module must be added to the static map in ./index.ts.
    expect(Object.keys(modules).sort()).toEqual(onDisk);
    expect(Object.keys(modules).some((path) => path.includes("/_generated/"))).toBe(true);
    const adapter = (await modules["../component/adapter.ts"]!()) as Record<string, unknown>;
    expect(adapter).toHaveProperty("findOne");
  });

  test("the default export bundles register, schema and modules", () => {
    expect(testEntry).toEqual({ register, schema, modules });
    expect(Object.keys(schema.tables)).toEqual(expect.arrayContaining(["user", "session", "account"]));
  });

  test("an app function creates a user through components.betterAuth and findOne finds it", async () => {
    const t = app();
    register(t);
    const created = await t.run(async (ctx) =>
      ctx.runMutation(components.betterAuth.adapter.create, { input: { model: "user", data: user } }),
    );
    expect(created).toMatchObject(user);

    const found = await t.query(async (ctx) =>
      ctx.runQuery(components.betterAuth.adapter.findOne, {
        model: "user",
        where: [{ field: "email", value: "a@x.io" }],
      }),
    );
    expect(found).toMatchObject(user);

    // The rows live in the component's tables, not the app's.
    expect(await t.run(async (ctx) => ctx.db.query("user" as never).collect())).toEqual([]);
  });

  test("getAuthUser returns the user of a live session and null for an expired one", async () => {
    const t = app();
    const api = register(t);
    await t.run(async (ctx) => {
      await ctx.runMutation(api.adapter.create, { input: { model: "user", data: user } });
      for (const [id, expiresAt] of [
        ["s-live", now + 60_000],
        ["s-expired", now - 1_000],
      ] as const) {
        await ctx.runMutation(api.adapter.create, {
          input: {
            model: "session",
            data: { id, token: `token-${id}`, userId: "u1", expiresAt, createdAt: now, updatedAt: now },
          },
        });
      }
    });

    const live = await t.query(async (ctx) => ctx.runQuery(api.adapter.getAuthUser, { sessionId: "s-live" }));
    expect(live).toMatchObject({ id: "u1", email: "a@x.io" });
    const expired = await t.query(async (ctx) => ctx.runQuery(api.adapter.getAuthUser, { sessionId: "s-expired" }));
    expect(expired).toBeNull();
  });

  test("a custom name registers the component under that name", async () => {
    const t = app();
    register(t, "auth");
    await t.run(async (ctx) =>
      ctx.runMutation(components.auth.adapter.create, { input: { model: "user", data: user } }),
    );
    const found = await t.query(async (ctx) =>
      ctx.runQuery(components.auth.adapter.findOne, { model: "user", where: [{ field: "id", value: "u1" }] }),
    );
    expect(found).toMatchObject({ id: "u1" });
    await expect(
      t.query(async (ctx) => ctx.runQuery(components.betterAuth.adapter.findOne, { model: "user" })),
    ).rejects.toThrow(/not registered/);
  });
});
