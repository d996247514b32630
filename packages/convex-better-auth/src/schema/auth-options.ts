/**
 * The Better Auth configuration the component schema is generated from.
 *
 * It enables every plugin the component supports out of the box, so apps using
 * any subset of them need no custom schema. Callbacks are dummies: only the
 * shape of `getAuthTables(schemaAuthOptions)` matters. Imported by the schema
 * script and tests only, never by runtime code (it pulls in every plugin).
 */
import { apiKey } from "@better-auth/api-key";
import { passkey } from "@better-auth/passkey";
import type { BetterAuthOptions, BetterAuthPluginDBSchema } from "better-auth";
import { convexPluginSchema } from "../plugins/convex/schema.ts";
import {
  admin,
  anonymous,
  emailOTP,
  genericOAuth,
  jwt,
  magicLink,
  oneTimeToken,
  organization,
  phoneNumber,
  twoFactor,
  username,
} from "better-auth/plugins";

const noop = async (): Promise<void> => {};

const optional = (type: "string" | "boolean" | "date", index = false) =>
  ({ type, required: false, ...(index ? { index: true } : {}) }) as const;

/**
 * Tables of better-auth 1.6's OIDC provider plugin, which
 * `@convex-dev/better-auth` 0.12 bundles (every field optional, as it
 * declares them). Better Auth 1.7 removed that plugin; the tables stay so a
 * deployment that has rows in them deploys unchanged.
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

/**
 * Options whose `getAuthTables` output defines the component's tables.
 *
 * @example
 * ```ts
 * import { getAuthTables } from "better-auth/db";
 * const tables = getAuthTables(schemaAuthOptions);
 * ```
 */
export const schemaAuthOptions = {
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: true, storage: "database" },
  plugins: [
    twoFactor(),
    username(),
    anonymous(),
    phoneNumber({ sendOTP: noop }),
    magicLink({ sendMagicLink: noop }),
    emailOTP({ sendVerificationOTP: noop }),
    genericOAuth({
      config: [
        {
          providerId: "example",
          clientId: "client-id",
          clientSecret: "client-secret",
          authorizationUrl: "https://example.com/authorize",
          tokenUrl: "https://example.com/token",
        },
      ],
    }),
    oneTimeToken(),
    jwt(),
    admin(),
    organization({ teams: { enabled: true } }),
    passkey(),
    apiKey(),
    // Our own `convex()` plugin declares the same `jwks` table as jwt(),
    // plus `user.userId`; its schema alone is enough here.
    { id: "convex", schema: convexPluginSchema },
    { id: "legacy-oidc-provider", schema: legacyOidcProviderSchema },
  ],
} satisfies BetterAuthOptions;
