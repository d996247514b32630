/**
 * Regression: SCIM's domain-stability check (`assertUserConnectionDomainStable`,
 * run on every SCIM list and write) is `findOne(connectionId eq,
 * provisioningDomainId ne)`. Planned as eq + residual filter it read every
 * SCIM user of the connection; the planner now reads the two index ranges
 * either side of the value.
 */
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { beforeAll, describe, expect, test } from "vitest";
import schema from "../component/schema.js";
import { meteredCtx } from "../test-utils/metered-ctx.js";

const modules = {
  "/component/_generated/api.js": async () => ({}),
  "/component/adapter.js": () => import("../component/adapter.js"),
};
const adapter = anyApi.adapter!;
const USERS = 300;

function scimUser(i: number, connectionId: string, provisioningDomainId: string) {
  const key = `${connectionId}-${i}`;
  return {
    connectionId,
    provisioningDomainId,
    userId: `user-${key}`,
    connectionUserKey: key,
    userName: key,
    userNameKey: key,
    primaryEmail: `${key}@example.com`,
    workEmailValueIndex: "|",
    emailValueIndex: "|",
    displayName: key,
    formattedName: key,
    serializedEmails: "[]",
    active: true,
    orderKey: `${connectionId}-${String(i).padStart(4, "0")}`,
    createdAt: 1,
    updatedAt: 1,
  };
}

describe("SCIM domain-stability check (eq + ne) does not scan the connection", () => {
  const t = convexTest(schema, modules);
  const metered = meteredCtx(t);
  const notInDomain = (domain: string) => [
    { field: "connectionId", value: "okta" },
    { field: "provisioningDomainId", operator: "ne", value: domain },
  ];

  beforeAll(async () => {
    await t.run(async (ctx) => {
      for (let i = 0; i < USERS; i++) await ctx.db.insert("scimUser", scimUser(i, "okta", "acme"));
      // Another connection's users in other domains must not count.
      for (let i = 0; i < 20; i++) await ctx.db.insert("scimUser", scimUser(i, "entra", i % 2 ? "aaa" : "zzz"));
    });
  }, 60_000);

  test("finds nothing when every user is in the domain, reading no document", async () => {
    expect(await metered.ctx.runQuery(adapter.findOne!, { model: "scimUser", where: notInDomain("acme") })).toBeNull();
    expect(metered.calls.at(-1)!.documentsRead).toBe(0);
  });

  test("finds users on both sides of the value, in index order, reading only them", async () => {
    await t.run(async (ctx) => {
      await ctx.db.insert("scimUser", scimUser(900, "okta", "aardvark"));
      await ctx.db.insert("scimUser", scimUser(901, "okta", "zebra"));
    });
    const found = await metered.ctx.runQuery(adapter.findOne!, { model: "scimUser", where: notInDomain("acme") });
    expect(found).toMatchObject({ provisioningDomainId: "aardvark" });
    expect(metered.calls.at(-1)!.documentsRead).toBeLessThanOrEqual(2);

    const page = await metered.ctx.runQuery(adapter.findMany!, {
      model: "scimUser",
      where: notInDomain("acme"),
      sortBy: { field: "provisioningDomainId", direction: "desc" },
      paginationOpts: { cursor: null, numItems: 10 },
    });
    expect(page.page.map((row: { provisioningDomainId: string }) => row.provisioningDomainId)).toEqual([
      "zebra",
      "aardvark",
    ]);
    expect(metered.calls.at(-1)!.documentsRead).toBeLessThanOrEqual(2);
  });
});
