import type { Session, User } from "better-auth";
import type { AuthConfig } from "convex/server";

/**
 * The Better Auth session a Convex JWT is minted for.
 *
 * @example
 * ```ts
 * const definePayload = ({ user, session }: ConvexTokenSubject) => ({ name: user.name, ip: session.ipAddress });
 * ```
 */
export type ConvexTokenSubject = {
  user: User & Record<string, unknown>;
  session: Session & Record<string, unknown>;
};

/**
 * Builds the user-derived claims of a Convex JWT. Whatever it returns replaces
 * the default `name`, `email` and `emailVerified` claims; `sub`, `sessionId`,
 * `iss`, `aud`, `iat` and `exp` are always set by the plugin and cannot be
 * overridden.
 *
 * @example
 * ```ts
 * const definePayload: DefineConvexJwtPayload = ({ user }) => ({ name: user.name, role: user.role });
 * ```
 */
export type DefineConvexJwtPayload = (
  subject: ConvexTokenSubject,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/**
 * JWT settings of the `convex()` plugin.
 *
 * @example
 * ```ts
 * const jwt: ConvexJwtOptions = { expirationSeconds: 600, definePayload: ({ user }) => ({ name: user.name }) };
 * ```
 */
export type ConvexJwtOptions = {
  /**
   * Lifetime of each JWT, in seconds. Also the `Max-Age` of the `convex_jwt`
   * cookie.
   *
   * @default 900
   */
  expirationSeconds?: number;
  /**
   * Custom user-derived claims. Keep them small: the JWT travels with every
   * Convex request.
   *
   * @default ({ user }) => ({ name: user.name, email: user.email, emailVerified: user.emailVerified })
   */
  definePayload?: DefineConvexJwtPayload;
};

/**
 * Options of the `convex()` Better Auth plugin.
 *
 * @example
 * ```ts
 * const options: ConvexPluginOptions = {
 *   authConfig,
 *   jwks: process.env.JWKS,
 *   jwt: { expirationSeconds: 900 },
 * };
 * betterAuth({ plugins: [convex(options)] });
 * ```
 */
export type ConvexPluginOptions = {
  /**
   * The default export of `convex/auth.config.ts`. It must list exactly one
   * provider with `applicationID: "convex"`, normally
   * `getAuthConfigProvider()`.
   */
  authConfig: AuthConfig;
  /** JWT lifetime and claims. */
  jwt?: ConvexJwtOptions;
  /**
   * Static JWKS: the JSON printed by `auth.api.getLatestJwks()`, usually
   * `process.env.JWKS`. When set, tokens are signed with these keys, no key is
   * ever written to the database, and `auth.api.rotateKeys()` is disabled.
   * Private keys stay encrypted with `BETTER_AUTH_SECRET`, so the value is
   * useless without the secret and stops working if the secret changes.
   */
  jwks?: string;
  /**
   * When signing fails because the stored key is not an RS256 key (for
   * example an Ed25519 key left by an older setup), delete the stored keys,
   * create a new RS256 key and retry once. Tokens signed with the old keys
   * stop validating.
   *
   * @default false
   */
  jwksRotateOnTokenGenerationError?: boolean;
  /** Settings mirrored from `betterAuth()` that the plugin cannot read at construction. */
  options?: {
    /**
     * Better Auth's `basePath`. Used for the JWKS URL in OIDC discovery; a
     * mismatch with `betterAuth({ basePath })` is logged at startup.
     *
     * @default "/api/auth"
     */
    basePath?: string;
  };
};

/**
 * One stored signing key, as the Better Auth adapter returns rows of the
 * `jwks` table.
 *
 * @example
 * ```ts
 * const rows = await ctx.context.adapter.findMany<StoredJwk>({ model: "jwks" });
 * ```
 */
export type StoredJwk = {
  id: string;
  publicKey: string;
  privateKey: string;
  createdAt: Date;
  expiresAt?: Date | null;
  alg?: string | null;
  crv?: string | null;
};
