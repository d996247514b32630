/**
 * The tables of better-auth 1.6's OIDC provider plugin, kept in the bundled
 * schema for deployments that have rows in them.
 */
import type { BetterAuthPluginDBSchema } from "better-auth";

const optional = (type: "string" | "boolean" | "date", index = false) =>
  ({ type, required: false, ...(index ? { index: true } : {}) }) as const;

/**
 * Tables of better-auth 1.6's OIDC provider plugin, which
 * `@convex-dev/better-auth` 0.12 bundles (every field optional, as it
 * declares them). Better Auth 1.7 removed that plugin; the tables stay so a
 * deployment that has rows in them deploys unchanged. `@better-auth/oauth-provider`
 * reuses two of the names (`oauthAccessToken`, `oauthConsent`) with other
 * fields, so these are merged into its tables (`widenForLegacyRows`), not
 * declared as a plugin next to it.
 *
 * @example
 * ```ts
 * const legacy = betterAuthTablesToSpec(getAuthTables({ plugins: [{ id: "legacy-oidc-provider", schema: legacyOidcProviderSchema }] }));
 * ```
 */
export const legacyOidcProviderSchema = {
  oauthApplication: {
    fields: {
      name: optional("string"),
      icon: optional("string"),
      metadata: optional("string"),
      clientId: optional("string", true),
      clientSecret: optional("string"),
      redirectUrls: optional("string"),
      type: optional("string"),
      disabled: optional("boolean"),
      userId: optional("string", true),
      createdAt: optional("date"),
      updatedAt: optional("date"),
    },
  },
  oauthAccessToken: {
    fields: {
      accessToken: optional("string", true),
      refreshToken: optional("string", true),
      accessTokenExpiresAt: optional("date"),
      refreshTokenExpiresAt: optional("date"),
      clientId: optional("string", true),
      userId: optional("string", true),
      scopes: optional("string"),
      createdAt: optional("date"),
      updatedAt: optional("date"),
    },
  },
  oauthConsent: {
    fields: {
      clientId: optional("string", true),
      userId: optional("string", true),
      scopes: optional("string"),
      createdAt: optional("date"),
      updatedAt: optional("date"),
      consentGiven: optional("boolean"),
    },
  },
} satisfies BetterAuthPluginDBSchema;
