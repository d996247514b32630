import type { BetterAuthPluginDBSchema } from "better-auth";

/**
 * The `jwks` table, field for field the one Better Auth's jwt plugin
 * declares, so the two plugins can share it and either can be installed
 * alone.
 *
 * @example
 * ```ts
 * getAuthTables({ plugins: [convex({ authConfig })] }).jwks; // defined
 * ```
 */
export const convexJwksSchema = {
  jwks: {
    fields: {
      publicKey: { type: "string", required: true },
      privateKey: { type: "string", required: true },
      createdAt: { type: "date", required: true },
      expiresAt: { type: "date", required: false },
      alg: { type: "string", required: false },
      crv: { type: "string", required: false },
    },
  },
} satisfies BetterAuthPluginDBSchema;
