import { BetterAuthError, type AuthContext } from "better-auth";
import { symmetricEncrypt } from "better-auth/crypto";
import { exportJWK, generateKeyPair } from "jose";
import type { ExportedJwk } from "../../auth-config/parse-jwks-option.js";
import type { ResolvedConvexOptions } from "./resolve-options.js";
import type { StoredJwk } from "./types.js";
import { jwksPrefetchOf } from "../../shared/jwks-prefetch.js";

/**
 * The only algorithm Convex's `customJwt` provider is configured with here.
 *
 * @example
 * ```ts
 * getAuthConfigProvider().algorithm === CONVEX_JWT_ALG; // true
 * ```
 */
export const CONVEX_JWT_ALG = "RS256";

/**
 * The Better Auth model (table) holding signing keys, shared with Better Auth's jwt plugin.
 *
 * @internal
 */
export const JWKS_MODEL = "jwks";

/**
 * A signing key row, normalised from the database or the static `jwks` option.
 *
 * @internal
 */
export type JwkRow = {
  id: string;
  publicKey: string;
  privateKey: string;
  alg: string | undefined;
  createdAt: Date;
  expiresAt: Date | undefined;
  crv: string | undefined;
};

function toDate(value: Date | number | string | null | undefined): Date | undefined {
  if (value === null || value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function fromStored(row: StoredJwk): JwkRow {
  return {
    id: row.id,
    publicKey: row.publicKey,
    privateKey: row.privateKey,
    alg: row.alg ?? undefined,
    createdAt: toDate(row.createdAt) ?? new Date(0),
    expiresAt: toDate(row.expiresAt),
    crv: row.crv ?? undefined,
  };
}

function fromExported(row: ExportedJwk): JwkRow {
  return {
    id: row.id,
    publicKey: row.publicKey,
    privateKey: row.privateKey,
    alg: row.alg,
    createdAt: new Date(row.createdAt),
    expiresAt: row.expiresAt === undefined ? undefined : new Date(row.expiresAt),
    crv: row.crv,
  };
}

/**
 * Whether a row is one of this plugin's keys. The `jwks` table is shared with
 * Better Auth's jwt plugin, whose keys (EdDSA by default) must be neither used
 * for Convex tokens nor deleted by a rotation. Rows without `alg` predate
 * Better Auth 1.7 and were written by this plugin's predecessors.
 *
 * @example
 * ```ts
 * rows.filter(isConvexKey);
 * ```
 */
export function isConvexKey(row: Pick<JwkRow, "alg">): boolean {
  return row.alg === undefined || row.alg === CONVEX_JWT_ALG;
}

/**
 * All signing keys, newest first: the static `jwks` rows when configured,
 * otherwise every row of the `jwks` table.
 *
 * @example
 * ```ts
 * const [latest] = await listJwks(ctx.context, resolved);
 * ```
 */
export async function listJwks(authContext: AuthContext, resolved: ResolvedConvexOptions): Promise<JwkRow[]> {
  const prefetched = resolved.staticJwks
    ? undefined
    : (jwksPrefetchOf(authContext.adapter)?.take() as StoredJwk[] | undefined);
  const rows = resolved.staticJwks
    ? resolved.staticJwks.map(fromExported)
    : (prefetched ?? (await authContext.adapter.findMany<StoredJwk>({ model: JWKS_MODEL }))).map(fromStored);
  // Sorted here rather than through the adapter's sortBy, which on Convex
  // would need an index on a table that holds a handful of rows.
  return rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/**
 * The key new tokens are signed with: the newest unexpired key of this
 * plugin, if any. With a static `jwks` option every row is the plugin's, so
 * the newest unexpired row is returned whatever its algorithm and the signer
 * reports a mismatch.
 *
 * @example
 * ```ts
 * const key = pickSigningKey(await listJwks(ctx.context, resolved), resolved);
 * ```
 */
export function pickSigningKey(
  rows: readonly JwkRow[],
  resolved: ResolvedConvexOptions,
  now = new Date(),
): JwkRow | undefined {
  const live = rows.filter((row) => !row.expiresAt || row.expiresAt > now);
  return resolved.staticJwks ? live[0] : live.find(isConvexKey);
}

/**
 * Generate an RS256 key pair and store it in the `jwks` table. The private
 * JWK is encrypted with the Better Auth secret and stored as a JSON string,
 * the same layout Better Auth's jwt plugin uses, so either can read the other's
 * rows.
 *
 * @returns The stored row.
 *
 * @example
 * ```ts
 * const key = await createConvexJwk(ctx.context);
 * ```
 */
export async function createConvexJwk(authContext: AuthContext): Promise<JwkRow> {
  const { publicKey, privateKey } = await generateKeyPair(CONVEX_JWT_ALG, { extractable: true, modulusLength: 2048 });
  const privateJwk = await exportJWK(privateKey);
  const publicJwk = await exportJWK(publicKey);
  const encrypted = await symmetricEncrypt({ key: authContext.secretConfig, data: JSON.stringify(privateJwk) });
  const created = await authContext.adapter.create<Omit<StoredJwk, "id">, StoredJwk>({
    model: JWKS_MODEL,
    data: {
      publicKey: JSON.stringify(publicJwk),
      privateKey: JSON.stringify(encrypted),
      createdAt: new Date(),
      alg: CONVEX_JWT_ALG,
    },
  });
  if (!created) {
    // Only a no-op adapter returns nothing, e.g. writes skipped in a Convex query.
    throw new BetterAuthError(
      "[convex-better-auth] Could not store a new JWT signing key: the adapter returned no row. " +
        "Keys are created on first use, which needs write access (an HTTP action, mutation or action, not a query).",
    );
  }
  return fromStored(created);
}

/**
 * Delete this plugin's keys from the `jwks` table, leaving other plugins'
 * keys in place. One delete per row keeps it within what every adapter
 * supports.
 *
 * @example
 * ```ts
 * await deleteConvexJwks(ctx.context, await listJwks(ctx.context, resolved));
 * ```
 */
export async function deleteConvexJwks(authContext: AuthContext, rows: readonly JwkRow[]): Promise<void> {
  for (const row of rows.filter(isConvexKey)) {
    await authContext.adapter.delete({ model: JWKS_MODEL, where: [{ field: "id", value: row.id }] });
  }
}

/**
 * A row as exported by `getLatestJwks`/`rotateKeys`: private key included,
 * `alg` always set, dates as epoch milliseconds so the value can be returned
 * from a Convex function and stored in an environment variable.
 *
 * @example
 * ```ts
 * JSON.stringify([toExportedJwk(row)]); // the value for `npx convex env set JWKS`
 * ```
 */
export function toExportedJwk(row: JwkRow): ExportedJwk {
  return {
    id: row.id,
    publicKey: row.publicKey,
    privateKey: row.privateKey,
    alg: row.alg ?? CONVEX_JWT_ALG,
    createdAt: row.createdAt.getTime(),
    ...(row.expiresAt ? { expiresAt: row.expiresAt.getTime() } : {}),
    ...(row.crv ? { crv: row.crv } : {}),
  };
}
