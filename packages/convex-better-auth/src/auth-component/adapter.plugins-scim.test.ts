// @vitest-environment node
/**
 * `@better-auth/scim` on the bundled component, through Better Auth's HTTP
 * API as an identity provider calls it: create, filter, page, deactivate and
 * delete users; a wrong token is refused; no query scans a table.
 */
import { scim } from "@better-auth/scim";
import { betterAuth } from "better-auth";
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { beforeAll, describe, expect, test } from "vitest";
import schema from "../component/schema.js";
import { meteredCtx } from "../test-utils/metered-ctx.js";
import { convexAdapter } from "./adapter.js";
import type { AuthComponentApi } from "./types.js";

const modules = {
  "/component/_generated/api.js": async () => ({}),
  "/component/adapter.js": () => import("../component/adapter.js"),
};
const component = { adapter: anyApi.adapter } as unknown as AuthComponentApi;
const TOKEN = "scim-okta-token-0123456789";
const SEEDED = 200;
const PROVISIONED = 16;
const MAX_READS = 12;
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

type ScimUser = { id: string; userName: string; active: boolean };
type ListResponse = { totalResults: number; Resources: ScimUser[]; startIndex: number; itemsPerPage: number };

describe("@better-auth/scim on the bundled component", () => {
  const t = convexTest(schema, modules);
  const metered = meteredCtx(t);
  const auth = betterAuth({
    baseURL: "http://localhost:3000",
    secret: "scim-test-secret-0123456789abcdef",
    database: convexAdapter(metered.ctx, component),
    logger: { disabled: true },
    emailAndPassword: { enabled: true },
    plugins: [scim({ connections: [{ id: "okta", credentials: [{ type: "bearer", id: "k1", token: TOKEN }] }] })],
  });

  function scimRequest(method: string, path: string, body?: unknown, token = TOKEN) {
    return auth.handler(
      new Request(`http://localhost:3000/api/auth/scim/v2${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/scim+json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  }

  const newUser = (n: number) => ({
    schemas: [USER_SCHEMA],
    userName: `user${n}@acme.test`,
    name: { givenName: "User", familyName: `Number ${n}` },
    emails: [{ value: `user${n}@acme.test`, primary: true }],
    active: true,
  });

  beforeAll(async () => {
    await t.run(async (ctx) => {
      for (let i = 0; i < SEEDED; i++) {
        await ctx.db.insert("user", {
          name: `Seed ${i}`,
          email: `seed${i}@example.com`,
          emailVerified: true,
          createdAt: Date.now(),
          updatedAt: Date.now(),
        } as never);
      }
    });
  }, 60_000);

  test("provision, filter, page, deactivate and delete users; refuse a wrong token", async () => {
    const created: ScimUser[] = [];
    for (let n = 0; n < PROVISIONED; n++) {
      const response = await scimRequest("POST", "/Users", newUser(n));
      expect(response.status, await response.clone().text()).toBe(201);
      created.push((await response.json()) as ScimUser);
    }
    const ada = created[0]!;
    expect(ada).toMatchObject({ userName: "user0@acme.test", active: true });
    // Each provisioned identity is a Better Auth user.
    const users = await t.run((ctx) => ctx.db.query("user").collect());
    expect(users.filter((user) => String(user.email).endsWith("@acme.test"))).toHaveLength(PROVISIONED);

    const filtered = await scimRequest("GET", `/Users?filter=${encodeURIComponent('userName eq "user3@acme.test"')}`);
    expect(filtered.status).toBe(200);
    const found = (await filtered.json()) as ListResponse;
    expect(found.totalResults).toBe(1);
    expect(found.Resources[0]!.userName).toBe("user3@acme.test");

    const page = (await (await scimRequest("GET", "/Users?startIndex=3&count=5")).json()) as ListResponse;
    expect(page.totalResults).toBe(PROVISIONED);
    expect(page.Resources).toHaveLength(5);
    expect(page.startIndex).toBe(3);
    const all = (await (await scimRequest("GET", "/Users?startIndex=1&count=8")).json()) as ListResponse;
    expect(all.Resources.slice(2, 7).map((user) => user.id)).toEqual(page.Resources.map((user) => user.id));

    const patched = await scimRequest("PATCH", `/Users/${ada.id}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "replace", value: { active: false } }],
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    expect(((await patched.json()) as ScimUser).active).toBe(false);
    const fetched = (await (await scimRequest("GET", `/Users/${ada.id}`)).json()) as ScimUser;
    expect(fetched.active).toBe(false);

    const deleted = await scimRequest("DELETE", `/Users/${created[1]!.id}`);
    expect(deleted.status).toBe(204);
    expect((await scimRequest("GET", `/Users/${created[1]!.id}`)).status).toBe(404);
    const remaining = (await (await scimRequest("GET", "/Users?count=1")).json()) as ListResponse;
    expect(remaining.totalResults).toBe(PROVISIONED - 1);

    const refused = await scimRequest("GET", "/Users", undefined, "not-the-token-0123456789");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain("Bearer");

    // Every SCIM query uses an index: a scan would read the seeded users or
    // every provisioned identity of the connection. Counts are counts.
    const heavy = metered.calls.filter((call) => call.fn !== "adapter:count" && call.documentsRead > MAX_READS);
    expect(
      heavy.map((call) => `${call.fn} ${call.model ?? ""} read ${call.documentsRead} ${JSON.stringify(call.args)}`),
    ).toEqual([]);
  });
});
