/**
 * The smallest shape of a stored `jwks` row that a public key can be built
 * from: rows from the database, from `auth.api.getLatestJwks()`, or from the
 * static `JWKS` environment variable all fit it.
 *
 * @example
 * ```ts
 * const row: JwksRowLike = { id: "kid", publicKey: JSON.stringify(publicJwk), alg: "RS256" };
 * ```
 */
export type JwksRowLike = {
  /** Row id. It becomes the JWK `kid`, which the JWT header names. */
  id: string;
  /** The public JWK, JSON-encoded. */
  publicKey: string;
  /** The JWS algorithm the key signs with. Rows written before Better Auth 1.7 have none. */
  alg?: string | null | undefined;
  /** The curve, for EC and OKP keys. */
  crv?: string | null | undefined;
};

/**
 * One public signing key as published at `/convex/jwks`.
 *
 * @example
 * ```ts
 * const [key]: PublicJwk[] = createPublicJwks(rows).keys;
 * key.kid;
 * ```
 */
export type PublicJwk = {
  kty: string;
  kid: string;
  alg: string;
  use: "sig";
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
};

/**
 * A JSON Web Key Set holding only public key material.
 *
 * @example
 * ```ts
 * const jwks: PublicJwks = createPublicJwks(rows);
 * ```
 */
export type PublicJwks = { keys: PublicJwk[] };

// An allow-list, not a deny-list: whatever a future key type adds, only the
// members that are public by definition can leave the server.
const PUBLIC_MEMBERS: Record<string, readonly ("n" | "e" | "crv" | "x" | "y")[]> = {
  RSA: ["n", "e"],
  EC: ["crv", "x", "y"],
  OKP: ["crv", "x"],
};

const EC_ALG_BY_CURVE: Record<string, string> = {
  "P-256": "ES256",
  "P-384": "ES384",
  "P-521": "ES512",
};

/**
 * The JWS algorithm a key signs with. Rows written before Better Auth 1.7 have
 * no `alg`, so it is derived from the key type instead of assuming a default
 * that could publish an RSA algorithm on an Ed25519 key.
 *
 * @internal
 * @example
 * ```ts
 * inferJwkAlg("OKP", "Ed25519"); // "EdDSA"
 * ```
 */
export function inferJwkAlg(kty: string, crv: string | undefined): string {
  if (kty === "RSA") return "RS256";
  if (kty === "OKP") return "EdDSA";
  if (kty === "EC" && crv && EC_ALG_BY_CURVE[crv]) return EC_ALG_BY_CURVE[crv];
  return "RS256";
}

/**
 * Turn stored `jwks` rows into a public JSON Web Key Set.
 *
 * Private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `k`, ...) are never copied,
 * even if a row's `publicKey` carries them by mistake, so the result is safe to
 * serve at `/convex/jwks` or to embed in `convex/auth.config.ts`.
 *
 * @param rows - Stored rows, newest first. The order is kept.
 * @returns `{ keys }` with `kid` = row id and `use: "sig"`.
 * @throws Error when a row's `publicKey` is not a JSON object with a `kty`.
 *
 * @example
 * ```ts
 * const rows = JSON.parse(process.env.JWKS!);
 * const jwks = createPublicJwks(rows);
 * // { keys: [{ kty: "RSA", n: "...", e: "AQAB", kid: "...", alg: "RS256", use: "sig" }] }
 * ```
 */
export function createPublicJwks(rows: readonly JwksRowLike[]): PublicJwks {
  return {
    keys: rows.map((row) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(row.publicKey);
      } catch {
        parsed = undefined;
      }
      if (typeof parsed !== "object" || parsed === null || typeof (parsed as { kty?: unknown }).kty !== "string") {
        throw new Error(
          `[convex-better-auth] jwks row "${row.id}" has a publicKey that is not a JSON Web Key. ` +
            "Re-export the keys with auth.api.getLatestJwks().",
        );
      }
      const source = parsed as Record<string, unknown> & { kty: string };
      const key: PublicJwk = {
        kty: source.kty,
        kid: row.id,
        alg: row.alg ?? inferJwkAlg(source.kty, typeof source.crv === "string" ? source.crv : (row.crv ?? undefined)),
        use: "sig",
      };
      for (const member of PUBLIC_MEMBERS[source.kty] ?? []) {
        const value = source[member];
        if (typeof value === "string") key[member] = value;
      }
      return key;
    }),
  };
}
