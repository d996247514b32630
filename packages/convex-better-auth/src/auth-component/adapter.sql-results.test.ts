/**
 * Results that match Better Auth's SQL adapters where its own plugins rely
 * on them: NULL for a field never set, dates compared as dates even when
 * given as ISO text, and `in x` read as `in [x]`.
 */
import { username } from "better-auth/plugins";
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { describe, expect, test } from "vitest";
import schema from "../component/schema.js";
import { convexAdapter } from "./adapter.js";
import type { AuthComponentApi, RunCtx } from "./types.js";

const modules = {
  "/component/_generated/api.js": async () => ({}),
  "/component/adapter.js": () => import("../component/adapter.js"),
};
const component = { adapter: anyApi.adapter } as unknown as AuthComponentApi;

function setup() {
  const t = convexTest(schema, modules);
  const ctx: RunCtx = {
    runQuery: (reference, args) => (t as any).query(reference, args),
    runMutation: (reference, args) => (t as any).mutation(reference, args),
  };
  // With a plugin whose user fields sign-up never sets.
  return { t, adapter: convexAdapter(ctx, component)({ plugins: [username()] }) };
}

const user = (name: string, createdAt: Date) => ({
  name,
  email: `${name.toLowerCase()}@example.com`,
  emailVerified: false,
  createdAt,
  updatedAt: createdAt,
});

describe("adapter results match SQL databases", () => {
  test("a field never set comes back null, not undefined, from every read and write", async () => {
    const { adapter } = setup();
    const created = await adapter.create<Record<string, unknown>>({ model: "user", data: user("Ada", new Date()) });
    // `image` and the plugin fields were never written; Convex stores nothing for them.
    expect(created.image).toBeNull();
    expect(created.username).toBeNull();
    const where = [{ field: "id", value: created.id as string }];
    const found = await adapter.findOne<Record<string, unknown>>({ model: "user", where });
    expect(found).toMatchObject({ image: null, username: null, displayUsername: null });
    const [listed] = await adapter.findMany<Record<string, unknown>>({ model: "user", where });
    expect(listed!.image).toBeNull();
    const updated = await adapter.update<Record<string, unknown>>({ model: "user", where, update: { name: "Ada L." } });
    expect(updated!.image).toBeNull();
    // A selected field the row lacks is null too; unselected fields stay out.
    const [selected] = await adapter.findMany<Record<string, unknown>>({
      model: "user",
      where,
      select: ["id", "image"],
    });
    expect(selected).toEqual({ id: created.id, image: null });
  });

  test("a date field compared with an ISO string is compared as a date", async () => {
    const { adapter } = setup();
    await adapter.create({ model: "user", data: user("Old", new Date("2020-01-01T00:00:00Z")) });
    await adapter.create({ model: "user", data: user("New", new Date("2030-01-01T00:00:00Z")) });
    const after = await adapter.findMany<{ name: string }>({
      model: "user",
      where: [{ field: "createdAt", operator: "gt", value: "2025-06-01T00:00:00.000Z" as never }],
    });
    expect(after.map((row) => row.name)).toEqual(["New"]);
    const exact = await adapter.count({
      model: "user",
      where: [{ field: "createdAt", value: "2020-01-01T00:00:00.000Z" as never }],
    });
    expect(exact).toBe(1);
    // A string field keeps string comparison.
    const byName = await adapter.findMany<{ name: string }>({
      model: "user",
      where: [{ field: "name", operator: "lt", value: "O" }],
    });
    expect(byName.map((row) => row.name)).toEqual(["New"]);
  });

  test("a single value given to in / not_in is a one-element list", async () => {
    const { t, adapter } = setup();
    const a = await adapter.create<{ id: string }>({ model: "user", data: user("A", new Date()) });
    await adapter.create({ model: "user", data: user("B", new Date()) });
    // Better Auth's factory refuses a scalar `in` itself; `not_in` and direct
    // component calls reach us with one.
    const notA = await adapter.findMany<{ name: string }>({
      model: "user",
      where: [{ field: "name", operator: "not_in", value: "A" as never }],
    });
    expect(notA.map((row) => row.name)).toEqual(["B"]);
    const direct = await (t as any).query(anyApi.adapter.findOne, {
      model: "user",
      where: [{ field: "id", operator: "in", value: a.id }],
    });
    expect((direct as { name: string }).name).toBe("A");
  });
});
