/**
 * Indexes for query shapes Better Auth issues that its field metadata does not
 * imply. Researched against better-auth 1.7.25, @better-auth/api-key 1.7.5 and
 * @better-auth/passkey 1.7.6 dist; see QUERY-SHAPES.md for the full survey.
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
} satisfies ExtraIndexes;
