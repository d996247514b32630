/**
 * Organization dynamic access control on the bundled component: roles live
 * in `organizationRole`, so an app creates, updates and deletes them through
 * Better Auth's HTTP API and permission checks read them back, without a
 * custom schema and without scanning.
 */
import { betterAuth } from "better-auth";
import { organization } from "better-auth/plugins";
import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";
import { beforeAll, describe, expect, test } from "vitest";
import { createPluginsHarness, signUp } from "../test-utils/plugins-harness.js";

const statement = { ...defaultStatements, project: ["read", "write", "delete"] } as const;
const ac = createAccessControl(statement);
const roles = {
  owner: ac.newRole({ ...ownerAc.statements, project: ["read", "write", "delete"] }),
  member: ac.newRole({ ...memberAc.statements }),
};

describe("organization dynamic access control on the built-in component", () => {
  const harness = createPluginsHarness();
  const auth = betterAuth({
    ...harness.options,
    plugins: [organization({ ac, roles, dynamicAccessControl: { enabled: true } })],
  });

  beforeAll(() => harness.seedUsers(300), 60_000);

  test("a created role grants exactly its permissions, follows updates, and cannot be deleted while assigned", async () => {
    const owner = await signUp(auth, "owner@example.com");
    const org = await auth.api.createOrganization({ body: { name: "Acme", slug: "acme" }, headers: owner });
    const organizationId = org!.id;

    const created = await auth.api.createOrgRole({
      body: { organizationId, role: "auditor", permission: { project: ["read"] } },
      headers: owner,
    });
    expect(created.roleData).toMatchObject({ role: "auditor", organizationId });
    const stored = await harness.t.run((ctx) => ctx.db.query("organizationRole").collect());
    expect(stored).toMatchObject([{ role: "auditor", permission: JSON.stringify({ project: ["read"] }) }]);
    expect(await auth.api.listOrgRoles({ query: { organizationId }, headers: owner })).toHaveLength(1);
    // A role name is unique within the organization.
    await expect(
      auth.api.createOrgRole({ body: { organizationId, role: "auditor", permission: {} }, headers: owner }),
    ).rejects.toThrow();

    const grace = await signUp(auth, "grace@example.com");
    const graceId = (await auth.api.getSession({ headers: grace }))!.user.id;
    await auth.api.addMember({ body: { userId: graceId, role: "auditor" as never, organizationId } });
    const can = async (permissions: Record<string, string[]>) =>
      (await auth.api.hasPermission({ body: { organizationId, permissions }, headers: grace })).success;
    expect(await can({ project: ["read"] })).toBe(true);
    expect(await can({ project: ["write"] })).toBe(false);
    expect(await can({ project: ["delete"] })).toBe(false);

    await auth.api.updateOrgRole({
      body: { organizationId, roleName: "auditor", data: { permission: { project: ["read", "write"] } } },
      headers: owner,
    });
    expect(await can({ project: ["write"] })).toBe(true);
    expect(await can({ project: ["delete"] })).toBe(false);

    // The delete guard finds the member holding the role (a `contains` filter within the organization).
    await expect(
      auth.api.deleteOrgRole({ body: { organizationId, roleName: "auditor" }, headers: owner }),
    ).rejects.toThrow(/assigned/i);
    await auth.api.removeMember({ body: { organizationId, memberIdOrEmail: "grace@example.com" }, headers: owner });
    await auth.api.deleteOrgRole({ body: { organizationId, roleName: "auditor" }, headers: owner });
    expect(await harness.t.run((ctx) => ctx.db.query("organizationRole").collect())).toEqual([]);
  });

  test("no call but a count reads more than a handful of documents, and none scans", () => {
    expect(harness.metered.calls.filter((call) => call.model === "organizationRole").length).toBeGreaterThan(5);
    harness.expectNoScans();
  });
});
