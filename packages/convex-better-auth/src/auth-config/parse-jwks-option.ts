import { inferJwkAlg } from "./create-public-jwks.js";

/**
 * One signing key as exported by `auth.api.getLatestJwks()` and accepted back
 * through the static `jwks` option (usually the `JWKS` environment variable).
 *
 * Dates are epoch milliseconds so the value can be returned from a Convex
 * function and survive `JSON.stringify` unchanged.
 *
 * @example
 * ```ts
 * const rows: ExportedJwk[] = await auth.api.getLatestJwks();
 * const JWKS = JSON.stringify(rows);
 * ```
 */
export type ExportedJwk = {
  /** Row id, used as the JWT `kid` header. */
  id: string;
  /** The public JWK, JSON-encoded. */
  publicKey: string;
  /**
   * The private JWK, JSON-encoded. As stored, it is a JSON string of the
   * ciphertext produced with `BETTER_AUTH_SECRET`; a plain JSON-encoded JWK is
   * also accepted.
   */
  privateKey: string;
  /** JWS algorithm; `"RS256"` for keys this library creates. */
  alg: string;
  /** Creation time, epoch milliseconds. */
  createdAt: number;
  /** Expiry, epoch milliseconds, when the key has one. */
  expiresAt?: number;
  /** Curve, for EC and OKP keys. */
  crv?: string;
};

function algOf(row: Record<string, unknown>): string {
  if (typeof row.alg === "string" && row.alg !== "") return row.alg;
  try {
    const key = JSON.parse(row.publicKey as string) as { kty?: unknown; crv?: unknown };
    if (typeof key.kty === "string") return inferJwkAlg(key.kty, typeof key.crv === "string" ? key.crv : undefined);
  } catch {
    // An unparsable publicKey is reported where the key is used.
  }
  return "RS256";
}

function toEpochMs(value: unknown, field: string, index: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === "number"
        ? value
        : typeof value === "string"
          ? Date.parse(value)
          : NaN;
  if (!Number.isFinite(ms)) {
    throw new Error(`[convex-better-auth] jwks entry ${index} has an invalid ${field}: ${JSON.stringify(value)}.`);
  }
  return ms;
}

/**
 * Parse the static JWKS string (the JSON printed by `auth.api.getLatestJwks()`)
 * into key rows.
 *
 * Accepts an array of rows or a single row object. Rows must carry `id`,
 * `publicKey` and `privateKey` strings. A missing `alg` (rows written before
 * Better Auth 1.7) is derived from the public key's type; a missing
 * `createdAt` becomes 0.
 *
 * @param jwks - The JSON string, e.g. `process.env.JWKS`.
 * @returns The rows, in the order given.
 * @throws Error naming the first problem when the string is not valid JSON or
 * a row is malformed.
 *
 * @example
 * ```ts
 * const rows = parseJwksOption(process.env.JWKS!);
 * rows[0].id; // the kid tokens will carry
 * ```
 */
export function parseJwksOption(jwks: string): ExportedJwk[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwks);
  } catch {
    throw new Error(
      "[convex-better-auth] The `jwks` value is not valid JSON. Set it to the exact output of " +
        "auth.api.getLatestJwks(), e.g. `npx convex run auth:getLatestJwks | npx convex env set JWKS`.",
    );
  }
  const entries = Array.isArray(parsed) ? parsed : [parsed];
  if (entries.length === 0) {
    throw new Error(
      "[convex-better-auth] The `jwks` value holds no keys. Re-export them with auth.api.getLatestJwks().",
    );
  }
  return entries.map((entry: unknown, index) => {
    if (typeof entry !== "object" || entry === null) {
      throw new Error(`[convex-better-auth] jwks entry ${index} is not an object.`);
    }
    const row = entry as Record<string, unknown>;
    for (const field of ["id", "publicKey", "privateKey"] as const) {
      if (typeof row[field] !== "string" || row[field] === "") {
        throw new Error(
          `[convex-better-auth] jwks entry ${index} is missing "${field}". ` +
            "The value must be the output of auth.api.getLatestJwks(), which includes the private key.",
        );
      }
    }
    const expiresAt = toEpochMs(row.expiresAt, "expiresAt", index);
    return {
      id: row.id as string,
      publicKey: row.publicKey as string,
      privateKey: row.privateKey as string,
      alg: algOf(row),
      createdAt: toEpochMs(row.createdAt, "createdAt", index) ?? 0,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(typeof row.crv === "string" ? { crv: row.crv } : {}),
    };
  });
}
