import { describe, expect, test } from "vitest";
import schema, { uniqueFields } from "../component/schema.js";
import { planQuery } from "./query-plan.js";
import { describeSchema } from "./schema-info.js";
import type { Where } from "./validators.js";

const info = describeSchema(schema, uniqueFields);
const table = (name: string) => info.get(name)!;

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe("planQuery", () => {
  test("does not depend on the order of the where clauses", () => {
    const where: Where[] = [
      { field: "providerId", value: "credential" },
      { field: "userId", value: "u1" },
      { field: "accountId", value: "a1" },
    ];
    const plans = permutations(where).map((order) => planQuery(table("account"), order));
    for (const plan of plans) expect(plan).toEqual(plans[0]);
    expect(plans[0]!.index).toBe("userId_providerId_accountId");
    expect(plans[0]!.exact).toBe(true);
  });

  test("an equality plus a sort uses the compound index and streams in order", () => {
    const plan = planQuery(table("verification"), [{ field: "identifier", value: "x" }], {
      field: "createdAt",
      direction: "desc",
    });
    expect(plan).toMatchObject({ index: "identifier_createdAt", sorted: true, order: "desc", exact: true });
  });

  test("a range on the next index field bounds the scan", () => {
    const plan = planQuery(table("session"), [
      { field: "expiresAt", operator: "gt", value: 5 },
      { field: "userId", value: "u1" },
    ]);
    expect(plan.index).toBe("userId_expiresAt");
    expect(plan.range).toEqual({ field: "expiresAt", lower: { op: "gt", value: 5 }, upper: undefined });
  });

  test("`in` fans out over an index; unindexable clauses stay in the filter", () => {
    const plan = planQuery(table("session"), [
      { field: "token", operator: "in", value: ["a", "b"] },
      { field: "ipAddress", operator: "ne", value: null },
    ]);
    expect(plan.index).toBe("token");
    expect(plan.prefix).toEqual([{ field: "token", values: ["a", "b"] }]);
    expect(plan.exact).toBe(false);
  });

  test("case-insensitive equality cannot use an index", () => {
    const plan = planQuery(table("user"), [{ field: "email", value: "A@x.io", mode: "insensitive" }]);
    expect(plan.index).toBe("by_creation_time");
  });

  test("a query that fits no index names the index to add", () => {
    const plan = planQuery(table("session"), [{ field: "userAgent", value: "curl" }]);
    expect(plan).toMatchObject({ index: "by_creation_time", missingIndex: ["userAgent"] });
  });

  test("listing a whole table needs no index and warns of none", () => {
    expect(planQuery(table("jwks"), [])).toMatchObject({
      index: "by_creation_time",
      exact: true,
      missingIndex: undefined,
    });
  });

  test("`ne` on the index field after the equalities reads either side of the value", () => {
    const plan = planQuery(table("scimUser"), [
      { field: "connectionId", value: "okta" },
      { field: "provisioningDomainId", operator: "ne", value: "acme" },
    ]);
    expect(plan).toMatchObject({
      index: "connectionId_provisioningDomainId",
      prefix: [{ field: "connectionId", values: ["okta"] }],
      exclude: { field: "provisioningDomainId", value: "acme" },
      exact: true,
    });
  });

  test("`ne null`, `ne` on id and a `ne` no index reaches stay in the filter", () => {
    const notNull = planQuery(table("session"), [
      { field: "userId", value: "u1" },
      { field: "expiresAt", operator: "ne", value: null },
    ]);
    expect(notNull).toMatchObject({ index: "userId", exact: false });
    expect(notNull.exclude).toBeUndefined();
    const notId = planQuery(table("verification"), [
      { field: "identifier", value: "x" },
      { field: "id", operator: "ne", value: "v1" },
    ]);
    expect(notId.exclude).toBeUndefined();
    const alone = planQuery(table("scimUser"), [{ field: "active", operator: "ne", value: true }]);
    expect(alone).toMatchObject({ index: "by_creation_time", missingIndex: ["active"] });
  });

  test("regression: an equality on a unique field beats an equally long non-unique prefix", () => {
    // SCIM's user lookups (eq connectionId + eq userNameKey) picked the
    // `connectionId` index by name and read the whole connection.
    for (const key of ["userNameKey", "connectionUserKey"]) {
      const plan = planQuery(table("scimUser"), [
        { field: "connectionId", value: "okta" },
        { field: key, value: "k" },
      ]);
      expect(plan.index).toBe(key);
    }
    const sorted = planQuery(
      table("scimUser"),
      [
        { field: "connectionId", value: "okta" },
        { field: "userNameKey", value: "k" },
      ],
      { field: "orderKey", direction: "asc" },
    );
    expect(sorted.index).toBe("userNameKey");
  });
});
