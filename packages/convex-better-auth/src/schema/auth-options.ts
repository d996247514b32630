/**
 * The Better Auth configuration the component schema is generated from.
 *
 * It enables every plugin the component supports out of the box, so apps using
 * any subset of them need no custom schema. Callbacks are dummies: only the
 * shape of `getAuthTables(schemaAuthOptions)` matters. Imported by the schema
 * script and tests only, never by runtime code (it pulls in every plugin).
 */
import { apiKey } from "@better-auth/api-key";
import { oauthDeviceAuthorization, oauthProvider } from "@better-auth/oauth-provider";
import { passkey } from "@better-auth/passkey";
import { scim } from "@better-auth/scim";
import { sso } from "@better-auth/sso";
import { stripe } from "@better-auth/stripe";
import type { BetterAuthOptions } from "better-auth";
import { convexPluginSchema } from "../plugins/convex/schema.ts";
import {
  admin,
  anonymous,
  emailOTP,
  genericOAuth,
  jwt,
  lastLoginMethod,
  magicLink,
  oneTimeToken,
  organization,
  phoneNumber,
  siwe,
  twoFactor,
  username,
} from "better-auth/plugins";

const noop = async (): Promise<void> => {};

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
    // dynamicAccessControl adds `organizationRole`; teams add team tables.
    organization({ teams: { enabled: true }, dynamicAccessControl: { enabled: true } }),
    passkey(),
    apiKey(),
    // deviceAuthorization()'s table plus the OAuth provider's device-grant
    // fields (`resources`, `oauthClientId`): a superset of both.
    oauthDeviceAuthorization(),
    siwe({ domain: "example.com", getNonce: async () => "schemanonce1", verifyMessage: async () => false }),
    lastLoginMethod({ storeInDatabase: true }),
    // @better-auth/mcp's mcp() is oauthProvider() plus discovery: same tables.
    oauthProvider({ loginPage: "/sign-in", consentPage: "/consent" }),
    // domainVerification adds `ssoProvider.domainVerified`.
    sso({ domainVerification: { enabled: true } }),
    // managedConnections adds the scimManaged* tables; the static connection
    // only satisfies the option check.
    scim({
      connections: [
        { id: "schema", credentials: [{ type: "bearer", id: "schema", token: "schema-token-0123456789" }] },
      ],
      managedConnections: { credentialHashSecret: "schema-credential-hash-secret-0123456789" },
    }),
    stripe({
      stripeClient: {} as never,
      stripeWebhookSecret: "whsec_schema",
      subscription: { enabled: true, plans: [] },
      organization: { enabled: true },
    }),
    // Our own `convex()` plugin declares the same `jwks` table as jwt(),
    // plus `user.userId`; its schema alone is enough here.
    { id: "convex", schema: convexPluginSchema },
  ],
} satisfies BetterAuthOptions;
