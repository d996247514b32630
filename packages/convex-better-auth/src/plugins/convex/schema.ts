import type { BetterAuthPluginDBSchema } from "better-auth";

/**
 * What the `convex()` plugin adds to Better Auth's schema: the `jwks` table,
 * field for field the one Better Auth's jwt plugin declares (so the two
 * plugins can share it and either can be installed alone), and the optional
 * `user.userId` that `@convex-dev/better-auth` deployments carry.
 *
 * @example
 * ```ts
 * getAuthTables({ plugins: [convex({ authConfig })] }).jwks; // defined
 * ```
 */
export const convexPluginSchema = {
  user: {
    fields: {
      // `@convex-dev/better-auth`'s deprecated link from the component user
      // to an app user (`setUserId`); kept so its rows and calls still fit.
      userId: { type: "string", required: false, input: false, index: true },
    },
  },
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
