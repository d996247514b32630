import type { Jwk, JwtOptions } from "better-auth/plugins";
import { isConvexKey, JWKS_MODEL } from "./jwks-store.js";

type JwtAdapter = NonNullable<JwtOptions["adapter"]>;

/**
 * The `adapter` option of Better Auth's `jwt()` plugin that keeps it off the
 * `convex()` plugin's keys, which share the `jwks` table.
 *
 * Without it, `jwt()` reads every row of the table. It then signs its tokens
 * (and, with `@better-auth/oauth-provider` or `mcp()`, OAuth access and ID
 * tokens) with the Convex key whenever it has no live key of its own, e.g.
 * when `/convex/token` ran first; it publishes the Convex key at its `/jwks`;
 * and it reads keys without `alg`, which prior-art deployments hold for
 * Convex, as its own algorithm. With it, `jwt()` sees only its own keys and
 * creates them as before.
 *
 * `convex()` refuses to start next to the OAuth provider when `jwt()` has no
 * `adapter.getJwks` and so reads the whole table (error code
 * `JWT_PLUGIN_SHARES_CONVEX_KEYS`), and warns otherwise.
 *
 * @returns `{ getJwks }` for `jwt({ adapter })`.
 *
 * @example
 * ```ts
 * import { jwt } from "better-auth/plugins";
 * import { oauthProvider } from "@better-auth/oauth-provider";
 * import { convex, convexSafeJwtAdapter } from "convex-better-auth/plugins";
 *
 * betterAuth({
 *   plugins: [
 *     convex({ authConfig }),
 *     // ES256: the one algorithm both jwt() and Convex's customJwt verify.
 *     jwt({ jwks: { keyPairConfig: { alg: "ES256" } }, adapter: convexSafeJwtAdapter() }),
 *     oauthProvider({ loginPage: "/sign-in", consentPage: "/consent" }),
 *   ],
 * });
 * ```
 */
export function convexSafeJwtAdapter(): JwtAdapter {
  const getJwks: NonNullable<JwtAdapter["getJwks"]> = async (ctx) => {
    const rows = await ctx.context.adapter.findMany<Jwk>({ model: JWKS_MODEL });
    return rows.filter((row) => !isConvexKey({ alg: row.alg ?? undefined }));
  };
  return { getJwks };
}
