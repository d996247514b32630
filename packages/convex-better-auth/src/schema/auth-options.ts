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
import type { BetterAuthOptions } from "better-auth";
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
    // Our own `convex()` plugin declares the same `jwks` table as jwt().
  ],
} satisfies BetterAuthOptions;
