import { APIError, createAuthEndpoint, type AuthEndpoint } from "better-auth/api";
import type { AuthContext } from "better-auth";
import { createPublicJwks, type PublicJwks } from "../../auth-config/create-public-jwks.js";
import type { ExportedJwk } from "../../auth-config/parse-jwks-option.js";
import { CONVEX_ERROR_CODES } from "./error-codes.js";
import {
  createConvexJwk,
  deleteConvexJwks,
  isConvexKey,
  listJwks,
  pickSigningKey,
  toExportedJwk,
  type JwkRow,
} from "./jwks-store.js";
import type { ResolvedConvexOptions } from "./resolve-options.js";

async function ensureSigningKey(authContext: AuthContext, resolved: ResolvedConvexOptions): Promise<JwkRow[]> {
  const rows = await listJwks(authContext, resolved);
  if (resolved.staticJwks || pickSigningKey(rows, resolved)) return rows;
  return [await createConvexJwk(authContext), ...rows];
}

// Named, so the declared return type below can refer to it.
const JWKS_ENDPOINT_OPTIONS = {
  method: "GET" as const,
  metadata: {
    openapi: {
      operationId: "getConvexJwks",
      description: "The public JSON Web Key Set for Convex JWTs",
      responses: { "200": { description: "A JSON Web Key Set" } },
    },
  },
};

/**
 * `GET /convex/jwks`: the public keys Convex validates tokens with. Creates
 * the first key if there is none yet, so the set is never empty. Keys of
 * other plugins sharing the `jwks` table are not published.
 *
 * @example
 * ```ts
 * const jwks = await (await fetch(`${siteUrl}/api/auth/convex/jwks`)).json();
 * ```
 */
export function createJwksEndpoint(
  resolved: ResolvedConvexOptions,
): AuthEndpoint<"/convex/jwks", typeof JWKS_ENDPOINT_OPTIONS, PublicJwks> {
  return createAuthEndpoint("/convex/jwks", JWKS_ENDPOINT_OPTIONS, async (ctx): Promise<PublicJwks> => {
    const rows = await ensureSigningKey(ctx.context, resolved);
    return ctx.json(createPublicJwks(resolved.staticJwks ? rows : rows.filter(isConvexKey)));
  });
}

/**
 * Server-only `auth.api.getLatestJwks()`: the newest signing key, private key
 * included (still encrypted with `BETTER_AUTH_SECRET`), as a one-element
 * array. Its JSON is the value of the static `jwks` option. Creates a key if
 * there is none. Not reachable over HTTP.
 *
 * @example
 * ```ts
 * // convex/auth.ts
 * export const getLatestJwks = internalAction(async (ctx) => {
 *   const auth = createAuth(ctx);
 *   return await auth.api.getLatestJwks();
 * });
 * // npx convex run auth:getLatestJwks | npx convex env set JWKS
 * ```
 */
export function createGetLatestJwksEndpoint(
  resolved: ResolvedConvexOptions,
): AuthEndpoint<string, { method: "POST" }, ExportedJwk[]> {
  return createAuthEndpoint.serverOnly({ method: "POST" }, async (ctx): Promise<ExportedJwk[]> => {
    const key = pickSigningKey(await ensureSigningKey(ctx.context, resolved), resolved);
    if (!key) throw APIError.from("INTERNAL_SERVER_ERROR", CONVEX_ERROR_CODES.NO_SIGNING_KEY);
    return ctx.json([toExportedJwk(key)]);
  });
}

/**
 * Server-only `auth.api.rotateKeys()`: delete this plugin's keys, create a new
 * one and return it in the `getLatestJwks` format. Every token signed with an
 * old key stops validating once Convex refetches the JWKS, so clients fetch a
 * new token. Refused with a static `jwks` option. Not reachable over HTTP.
 *
 * @example
 * ```ts
 * export const rotateKeys = internalAction(async (ctx) => createAuth(ctx).api.rotateKeys());
 * ```
 */
export function createRotateKeysEndpoint(
  resolved: ResolvedConvexOptions,
): AuthEndpoint<string, { method: "POST" }, ExportedJwk[]> {
  return createAuthEndpoint.serverOnly({ method: "POST" }, async (ctx): Promise<ExportedJwk[]> => {
    if (resolved.staticJwks) throw APIError.from("BAD_REQUEST", CONVEX_ERROR_CODES.STATIC_JWKS_CANNOT_ROTATE);
    await deleteConvexJwks(ctx.context, await listJwks(ctx.context, resolved));
    return ctx.json([toExportedJwk(await createConvexJwk(ctx.context))]);
  });
}
