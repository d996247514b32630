// @vitest-environment node
/**
 * `@better-auth/scim` on the bundled component, through Better Auth's HTTP
 * API as an identity provider calls it: create, filter, page, deactivate and
 * delete users; a wrong token is refused; no query scans a table.
 */
import { scim } from "@better-auth/scim";
import { betterAuth } from "better-auth";
import { beforeAll, describe, expect, test } from "vitest";
import { createPluginsHarness } from "../test-utils/plugins-harness.js";

const TOKEN = "scim-okta-token-0123456789";
const SEEDED = 200;
const PROVISIONED = 16;
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

type ScimUser = { id: string; userName: string; active: boolean };
type ListResponse = { totalResults: number; Resources: ScimUser[]; startIndex: number; itemsPerPage: number };

describe("@better-auth/scim on the bundled component", () => {
  const harness = createPluginsHarness();
  const { t } = harness;
  const auth = betterAuth({
    ...harness.options,
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

  beforeAll(() => harness.seedUsers(SEEDED), 60_000);

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
    harness.expectNoScans();
  });
});
