/**
 * Fields unique together (a compound unique index, as
 * @better-auth/oauth-provider declares on `oauthClientResource`): the
 * component refuses a second row with the same pair, on insert and on patch.
 */
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { describe, expect, test } from "vitest";
import schema from "../component/schema.js";
import { isConvexBetterAuthError } from "../shared/errors.js";

const modules = {
  "/component/_generated/api.js": async () => ({}),
  "/component/adapter.js": () => import("../component/adapter.js"),
};
const adapter = anyApi.adapter!;
const duplicate = (error: unknown) =>
  isConvexBetterAuthError(error, "DUPLICATE_VALUE") &&
  (error as { data: { field?: string } }).data.field === "clientId,resourceId";

describe("oauthClientResource [clientId, resourceId]", () => {
  const t = convexTest(schema, modules);
  const link = (clientId: string, resourceId: string) =>
    t.mutation(adapter.create!, {
      input: { model: "oauthClientResource", data: { clientId, resourceId, createdAt: 1 } },
    });

  test("a second link of the same pair is DUPLICATE_VALUE; other pairs are fine", async () => {
    await link("client-a", "https://api.example/one");
    await link("client-a", "https://api.example/two");
    await link("client-b", "https://api.example/one");
    await expect(link("client-a", "https://api.example/one")).rejects.toSatisfy(duplicate);
    expect(await t.run((ctx) => ctx.db.query("oauthClientResource").collect())).toHaveLength(3);
  });

  test("a patch of one field is checked with the row's other field", async () => {
    const update = (where: { field: string; value: string }[], value: string) =>
      t.mutation(adapter.updateOne!, {
        input: { model: "oauthClientResource", where, update: { resourceId: value } },
      });
    const clientB = [{ field: "clientId", value: "client-b" }];
    // client-b → two would not clash; client-b → one is its own row.
    await expect(update(clientB, "https://api.example/one")).resolves.toMatchObject({ clientId: "client-b" });
    await update(clientB, "https://api.example/three");
    const clientAOne = [
      { field: "clientId", value: "client-a" },
      { field: "resourceId", value: "https://api.example/one" },
    ];
    await expect(update(clientAOne, "https://api.example/two")).rejects.toSatisfy(duplicate);
  });
});
