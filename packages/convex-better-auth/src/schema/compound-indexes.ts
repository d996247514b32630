/**
 * Indexes for query shapes Better Auth issues that its field metadata does not
 * imply. Researched against the dist of better-auth 1.7.25, @better-auth/api-key
 * 1.7.5, @better-auth/passkey 1.7.6, @better-auth/oauth-provider 1.7.5 (and
 * @better-auth/mcp 1.7.5, which adds no queries), @better-auth/sso 1.7.5,
 * @better-auth/scim 1.7.5 and @better-auth/stripe 1.7.6; see QUERY-SHAPES.md
 * for the full survey.
 *
 * The query planner serves an AND of `eq`s plus one range or sort field with an
 * index whose leading fields are the `eq` fields (any order), then that field.
 * Keys are logical model names; fields are logical field names.
 */
import type { ExtraIndexes } from "./table-spec.ts";

/**
 * Curated compound (and range-only) indexes, passed to `betterAuthTablesToSpec`.
 *
 * @example
 * ```ts
 * betterAuthTablesToSpec(getAuthTables(options), COMPOUND_INDEXES);
 * ```
 */
export const COMPOUND_INDEXES = {
  user: [
    // admin `listUsers`: `sortBy` is caller-chosen; createdAt is the usual one.
    ["createdAt"],
    // stripe webhooks: findOne by stripeCustomerId.
    ["stripeCustomerId"],
  ],
  session: [
    // internal-adapter `listSessions` (onlyActiveSessions) and
    // `endPreservedSessions`: eq userId + expiresAt gt.
    ["userId", "expiresAt"],
  ],
  account: [
    // internal-adapter `findAccountByKey` / `findAccountOwnerByKey`:
    // eq providerId + eq accountId.
    ["providerId", "accountId"],
    // internal-adapter `findCredentialAccount` / `updatePassword`:
    // eq userId + eq providerId + eq accountId.
    ["userId", "providerId", "accountId"],
  ],
  verification: [
    // internal-adapter `findVerificationValue` / `consumeVerificationValue`:
    // eq identifier, sortBy createdAt desc; its stale-row deleteMany adds
    // createdAt lte.
    ["identifier", "createdAt"],
    // internal-adapter `findVerificationValue` cleanup: deleteMany expiresAt lt.
    ["expiresAt"],
  ],
  rateLimit: [
    // rate-limiter `deleteExpiredRows`: deleteMany lastRequest lt.
    ["lastRequest"],
  ],
  member: [
    // organization adapter `findMemberByOrgId` / `findMemberByEmail` /
    // `checkMembership`, authorization middleware, api-key org ownership:
    // eq organizationId + eq userId.
    ["organizationId", "userId"],
    // organization adapter `listMembers`: eq organizationId + caller's sortBy.
    ["organizationId", "createdAt"],
  ],
  teamMember: [
    // organization adapter `findTeamMember` / `removeTeamMember` /
    // `findTeamMemberByKeyOrPair`: eq teamId + eq userId.
    ["teamId", "userId"],
  ],
  invitation: [
    // organization adapter `findPendingInvitations` (eq organizationId + eq
    // status) and `findPendingInvitation` (those + eq email): one index
    // serves both.
    ["organizationId", "status", "email"],
  ],
  apikey: [
    // api-key `listApiKeys`: eq referenceId + caller's sortBy.
    ["referenceId", "createdAt"],
    // api-key `deleteAllExpiredApiKeys`: deleteMany expiresAt lt.
    ["expiresAt"],
  ],
  organization: [
    // stripe webhooks (organization subscriptions): findOne by stripeCustomerId.
    ["stripeCustomerId"],
  ],
  organizationRole: [
    // organization dynamic access control: find/update/delete a role by
    // eq organizationId + eq role (by id goes through the id pin), and
    // member/invite role checks with role `in`.
    ["organizationId", "role"],
  ],
  walletAddress: [
    // siwe `verify`: findOne by address + chainId, and by address alone.
    ["address", "chainId"],
  ],
  oauthClient: [
    // oauth-provider `getClients`: findMany by referenceId (by userId uses its reference index).
    ["referenceId"],
  ],
  oauthConsent: [
    // oauth-provider authorize / consent: findOne eq clientId + eq userId + eq referenceId.
    ["userId", "clientId", "referenceId"],
  ],
  oauthRefreshToken: [
    // oauth-provider `invalidateRefreshFamily`: findMany / deleteMany eq clientId + eq userId.
    ["userId", "clientId"],
  ],
  oauthClientAssertion: [
    // Expired rows, for a sweep by expiresAt lt (the plugin keeps them until then).
    ["expiresAt"],
  ],
  ssoProvider: [
    // sso sign-in: findOne by domain.
    ["domain"],
    // sso organization provisioning: findOne by organizationId.
    ["organizationId"],
    // sso `findVerifiedDomainProviders`: eq domainVerified, sortBy providerId, paged.
    ["domainVerified", "providerId"],
  ],
  scimUser: [
    // scim list Users: eq connectionId [+ filter], sortBy orderKey, offset paging.
    ["connectionId", "orderKey"],
    // scim `assertUserConnectionDomainStable`: eq connectionId + provisioningDomainId ne
    // (the planner reads the two ranges either side of the value).
    ["connectionId", "provisioningDomainId"],
    // scim domain decommission sweep: eq provisioningDomainId + userId gt, sortBy userId;
    // also eq userId + eq/in provisioningDomainId.
    ["provisioningDomainId", "userId"],
  ],
  scimGroup: [
    // scim list Groups: eq connectionId [+ filter], sortBy orderKey.
    ["connectionId", "orderKey"],
    // scim `assertGroupConnectionDomainStable`: eq connectionId + provisioningDomainId ne.
    ["connectionId", "provisioningDomainId"],
  ],
  scimGroupMember: [
    // scim group members: eq connectionId + eq groupId [+ createdAt cursor], sortBy createdAt.
    ["connectionId", "groupId", "createdAt"],
    // scim membership patch: eq connectionId + eq groupId + scimUserId `in`.
    ["connectionId", "groupId", "scimUserId"],
    // scim user delete/patch: eq connectionId + eq scimUserId.
    ["connectionId", "scimUserId"],
  ],
  scimProjectionGrant: [
    // scim projection: eq provisioningDomainId + eq userId [+ grantKey `in`].
    ["provisioningDomainId", "userId"],
  ],
  scimManagedCredential: [
    // scim managed credentials: eq connectionRecordId + eq status.
    ["connectionRecordId", "status"],
    // scim managed credential list: eq connectionRecordId, sortBy createdAt desc.
    ["connectionRecordId", "createdAt"],
  ],
  scimManagedConnectionEvent: [
    // scim managed connection events: eq connectionRecordId, sortBy sequence desc.
    ["connectionRecordId", "sequence"],
  ],
  subscription: [
    // stripe: findMany by referenceId, findOne by referenceId + status `in`.
    ["referenceId", "status"],
    // stripe webhooks: findOne by stripeSubscriptionId.
    ["stripeSubscriptionId"],
    // stripe: findMany by stripeCustomerId.
    ["stripeCustomerId"],
  ],
} satisfies ExtraIndexes;
