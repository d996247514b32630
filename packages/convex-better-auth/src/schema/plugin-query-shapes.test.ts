/**
 * The "no scan" rule for the query shapes of the plugins added with the 1.7
 * plugin set (organization DAC, device authorization, siwe, oauth-provider /
 * mcp, sso, scim, stripe), as surveyed from their dist (QUERY-SHAPES.md):
 * each is planned against the bundled schema and must be served by an index.
 * Flow tests record the shapes they send and check the same rule
 * (`expectNoScans`); this list also covers shapes no flow test reaches.
 */
import { describe, expect, test } from "vitest";
import type { Where } from "../component-api/validators.js";
import { scanningShapes, type QueryShape } from "../test-utils/expect-no-scans.js";

const eq = (field: string, value: string | number | boolean = "v"): Where => ({ field, value });
const op = (field: string, operator: NonNullable<Where["operator"]>, value: Where["value"] = "v"): Where => ({
  field,
  operator,
  value,
});
const shape = (model: string, where: Where[], sortBy?: QueryShape["sortBy"]): QueryShape => ({ model, where, sortBy });
const asc = (field: string) => ({ field, direction: "asc" as const });
const desc = (field: string) => ({ field, direction: "desc" as const });

const SHAPES: Record<string, QueryShape[]> = {
  "organization dynamic access control": [
    shape("organizationRole", [eq("organizationId")]),
    shape("organizationRole", [eq("organizationId"), eq("role")]),
    shape("organizationRole", [eq("organizationId"), op("role", "in", ["a", "b"])]),
    shape("organizationRole", [eq("organizationId"), eq("id")]),
    // The delete-role guard: a residual `contains` inside one organization.
    shape("member", [eq("organizationId"), op("role", "contains")]),
  ],
  "device authorization": [
    shape("deviceCode", [eq("deviceCode")]),
    shape("deviceCode", [eq("userCode")]),
    shape("deviceCode", [eq("id"), eq("status")]),
    shape("deviceCode", [eq("id"), eq("status"), eq("userId")]),
  ],
  siwe: [shape("walletAddress", [eq("address"), eq("chainId", 1)]), shape("walletAddress", [eq("address")])],
  "oauth-provider / mcp": [
    shape("oauthClient", [eq("clientId")]),
    shape("oauthClient", [eq("clientId"), eq("clientDiscoveryId")]),
    shape("oauthClient", [op("clientId", "in", ["a", "b"])]),
    shape("oauthClient", [eq("referenceId")]),
    shape("oauthClient", [eq("userId")]),
    shape("oauthConsent", [eq("clientId"), eq("userId"), eq("referenceId")]),
    shape("oauthConsent", [eq("userId")]),
    shape("oauthAccessToken", [eq("token")]),
    shape("oauthAccessToken", [eq("sessionId")]),
    shape("oauthAccessToken", [op("refreshId", "in", ["a", "b"])]),
    shape("oauthAccessToken", [eq("authorizationCodeId")]),
    shape("oauthAccessToken", [op("id", "in", ["a", "b"])]),
    shape("oauthRefreshToken", [eq("token")]),
    shape("oauthRefreshToken", [eq("clientId"), eq("userId")]),
    shape("oauthRefreshToken", [eq("sessionId")]),
    shape("oauthRefreshToken", [eq("authorizationCodeId")]),
    shape("oauthRefreshToken", [eq("id"), eq("revoked", 0)]),
    shape("oauthResource", [eq("identifier")]),
    shape("oauthResource", [op("identifier", "in", ["a", "b"])]),
    shape("oauthClientResource", [eq("clientId")]),
    shape("oauthClientResource", [eq("clientId"), eq("resourceId")]),
    shape("oauthClientResource", [eq("clientId"), op("resourceId", "in", ["a", "b"])]),
    shape("oauthClientAssertion", [eq("id")]),
    shape("oauthClientAssertion", [op("expiresAt", "lt", 1)]),
  ],
  sso: [
    shape("ssoProvider", [eq("providerId")]),
    shape("ssoProvider", [eq("domain")]),
    shape("ssoProvider", [eq("organizationId")]),
    shape("ssoProvider", [eq("userId")]),
    shape("ssoProvider", [eq("domainVerified", true)], asc("providerId")),
    shape("ssoProvider", [eq("id"), eq("domain")]),
    shape("member", [eq("userId"), op("organizationId", "in", ["a", "b"])]),
    shape("invitation", [eq("organizationId"), eq("email"), eq("status"), op("expiresAt", "gt", 1)]),
  ],
  scim: [
    shape("scimUser", [eq("connectionId")], asc("orderKey")),
    shape("scimUser", [eq("connectionId"), eq("userNameKey")], asc("orderKey")),
    shape("scimUser", [eq("connectionId"), op("emailValueIndex", "contains")], asc("orderKey")),
    shape("scimUser", [eq("connectionId"), op("provisioningDomainId", "ne")]),
    shape("scimUser", [eq("provisioningDomainId"), op("userId", "gt")], asc("userId")),
    shape("scimUser", [eq("userId"), op("provisioningDomainId", "in", ["a", "b"])]),
    shape("scimUser", [eq("connectionId"), eq("connectionUserKey")]),
    shape("scimUser", [eq("connectionId"), eq("externalIdKey"), eq("externalId"), eq("active", true)]),
    shape("scimUser", [eq("connectionId"), op("id", "in", ["a", "b"])]),
    shape("scimGroup", [eq("connectionId")], asc("orderKey")),
    shape("scimGroup", [eq("connectionId"), op("provisioningDomainId", "ne")]),
    shape("scimGroup", [eq("connectionId"), eq("displayNameKey")]),
    shape("scimGroupMember", [eq("connectionId"), eq("groupId"), op("createdAt", "gt", 1)], asc("createdAt")),
    shape("scimGroupMember", [eq("connectionId"), eq("groupId"), op("scimUserId", "in", ["a", "b"])]),
    shape("scimGroupMember", [eq("connectionId"), eq("scimUserId")]),
    shape("scimGroupMember", [op("scimUserId", "in", ["a", "b"])]),
    shape("scimProjectionGrant", [eq("provisioningDomainId"), eq("userId"), op("grantKey", "in", ["a", "b"])]),
    shape("scimProjectionGrant", [eq("scimUserId")]),
    shape("scimSubject", [op("userId", "in", ["a", "b"])]),
    shape("scimConnectionBinding", [eq("connectionKey"), eq("connectionId"), eq("decommissionStatus")]),
    shape("scimConnectionBinding", [op("connectionId", "in", ["a", "b"])]),
    shape("scimIdentityTombstone", [eq("connectionId"), eq("externalIdKey"), eq("externalId")]),
    shape("scimManagedConnection", [eq("connectionId"), eq("provisioningDomainId")]),
    shape("scimManagedConnection", [eq("creationRequestId")]),
    shape("scimManagedCredential", [eq("connectionRecordId"), eq("status")]),
    shape("scimManagedCredential", [eq("connectionRecordId")], desc("createdAt")),
    shape("scimManagedCredential", [eq("credentialId"), eq("connectionRecordId")]),
    shape("scimManagedConnectionEvent", [eq("connectionRecordId")], desc("sequence")),
  ],
  stripe: [
    shape("user", [eq("stripeCustomerId")]),
    shape("organization", [eq("stripeCustomerId")]),
    shape("subscription", [eq("referenceId")]),
    shape("subscription", [eq("referenceId"), op("status", "in", ["active", "trialing"])]),
    shape("subscription", [eq("stripeSubscriptionId")]),
    shape("subscription", [eq("stripeCustomerId")]),
    shape("subscription", [eq("id"), eq("stripeSubscriptionId")]),
  ],
};

describe("the 1.7 plugins' query shapes on the bundled schema", () => {
  test.each(Object.entries(SHAPES))("%s: every shape is served by an index", (_plugin, shapes) => {
    expect(scanningShapes(shapes)).toEqual([]);
  });

  test("whole-table reads are the documented small admin tables only", () => {
    // oauth-provider's adminListOAuthResources and sso's listSSOProviders and
    // subdomain fallback read their whole table, like jwt()'s jwks.
    const whole = ["oauthResource", "ssoProvider", "jwks"].map((model) => shape(model, []));
    expect(scanningShapes(whole, [{ model: "oauthResource" }, { model: "ssoProvider" }, { model: "jwks" }])).toEqual(
      [],
    );
    expect(scanningShapes(whole)).toEqual(whole);
  });

  test("the check itself flags a shape no index serves", () => {
    const unindexed = shape("scimUser", [eq("displayName")]);
    expect(scanningShapes([unindexed])).toEqual([unindexed]);
  });

  test("shapes that pin a unique field are point lookups", () => {
    const lookups = [
      shape("scimUser", [eq("connectionId"), eq("userNameKey")]),
      shape("scimUser", [eq("connectionId"), eq("externalIdKey")]),
      shape("scimGroup", [eq("connectionId"), eq("externalIdKey")]),
      shape("scimManagedCredential", [eq("connectionRecordId"), eq("credentialId")]),
      shape("oauthClient", [eq("clientId"), eq("userId")]),
    ];
    expect(scanningShapes(lookups)).toEqual([]);
  });
});
