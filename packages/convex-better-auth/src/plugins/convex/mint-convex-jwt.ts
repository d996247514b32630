import type { AuthContext } from "better-auth";
import { APIError, isAPIError } from "better-auth/api";
import { symmetricDecrypt } from "better-auth/crypto";
import { importJWK, SignJWT, type JWK } from "jose";
import { getConvexSiteUrl } from "./convex-site-url.js";
import { CONVEX_ERROR_CODES } from "./error-codes.js";
import {
  CONVEX_JWT_ALG,
  createConvexJwk,
  deleteConvexJwks,
  listJwks,
  pickSigningKey,
  type JwkRow,
} from "./jwks-store.js";
import type { ResolvedConvexOptions } from "./resolve-options.js";
import type { ConvexTokenSubject } from "./types.js";

/** Longest `name` / `email` copied into the default JWT payload. */
const MAX_PROFILE_CLAIM_LENGTH = 256;

/**
 * The JWT audience, matching `applicationID` in the Convex auth config.
 *
 * @example
 * ```ts
 * await jwtVerify(token, jwks, { audience: CONVEX_JWT_AUDIENCE });
 * ```
 */
export const CONVEX_JWT_AUDIENCE = "convex";

/**
 * A freshly minted Convex JWT.
 *
 * @example
 * ```ts
 * const { token, expiresIn }: MintedConvexJwt = await mintConvexJwt(ctx.context, resolved, session);
 * ```
 */
export type MintedConvexJwt = {
  token: string;
  /** Lifetime in seconds (`exp - iat`). */
  expiresIn: number;
  /** The `kid` of the signing key. */
  kid: string;
};

async function decryptPrivateJwk(row: JwkRow, authContext: AuthContext): Promise<JWK> {
  // Stored as JSON: a JSON string holding the ciphertext (encrypted, the
  // default) or a JSON object holding the JWK (encryption disabled, as Better
  // Auth's jwt plugin allows). A bare ciphertext is tolerated too.
  let stored: unknown;
  try {
    stored = JSON.parse(row.privateKey);
  } catch {
    stored = row.privateKey;
  }
  if (typeof stored === "object" && stored !== null) return stored as JWK;
  try {
    const plaintext = await symmetricDecrypt({ key: authContext.secretConfig, data: String(stored) });
    return JSON.parse(plaintext) as JWK;
  } catch (cause) {
    throw APIError.from("INTERNAL_SERVER_ERROR", CONVEX_ERROR_CODES.SIGNING_KEY_DECRYPTION_FAILED, { cause });
  }
}

function algorithmMismatch(row: JwkRow, cause?: unknown): APIError {
  return APIError.from(
    "INTERNAL_SERVER_ERROR",
    {
      ...CONVEX_ERROR_CODES.SIGNING_KEY_ALGORITHM_MISMATCH,
      message: `${CONVEX_ERROR_CODES.SIGNING_KEY_ALGORITHM_MISMATCH.message} (key "${row.id}" has alg "${row.alg ?? "unset"}").`,
    },
    cause === undefined ? undefined : { cause },
  );
}

function isAlgorithmMismatch(error: unknown): boolean {
  return (
    isAPIError(error) &&
    (error.body as { code?: unknown } | undefined)?.code === CONVEX_ERROR_CODES.SIGNING_KEY_ALGORITHM_MISMATCH.code
  );
}

async function importSigningKey(row: JwkRow, authContext: AuthContext): Promise<CryptoKey> {
  if (row.alg !== undefined && row.alg !== CONVEX_JWT_ALG) throw algorithmMismatch(row);
  const jwk = await decryptPrivateJwk(row, authContext);
  if (jwk.kty !== "RSA") throw algorithmMismatch(row);
  try {
    return (await importJWK({ ...jwk, alg: CONVEX_JWT_ALG }, CONVEX_JWT_ALG)) as CryptoKey;
  } catch (cause) {
    // jose reports a key of the wrong type as ERR_JOSE_NOT_SUPPORTED or
    // ERR_JWK_INVALID; both mean this row cannot sign RS256.
    throw algorithmMismatch(row, cause);
  }
}

async function resolveSigningKey(authContext: AuthContext, resolved: ResolvedConvexOptions): Promise<JwkRow> {
  const key = pickSigningKey(await listJwks(authContext, resolved), resolved);
  if (key) return key;
  if (resolved.staticJwks) throw APIError.from("INTERNAL_SERVER_ERROR", CONVEX_ERROR_CODES.NO_SIGNING_KEY);
  return createConvexJwk(authContext);
}

async function buildClaims(
  resolved: ResolvedConvexOptions,
  subject: ConvexTokenSubject,
  issuer: string,
): Promise<Record<string, unknown>> {
  const { user, session } = subject;
  // Compact by default: every byte rides on each Convex request, and a claim
  // set mirroring the whole user row broke consumers that expect plain OIDC.
  const userClaims = resolved.definePayload
    ? await resolved.definePayload(subject)
    : {
        // A claim longer than this would make the convex_jwt cookie exceed
        // what browsers keep (4 KB); the user row stays the source of truth.
        ...(typeof user.name === "string" && user.name.length <= MAX_PROFILE_CLAIM_LENGTH ? { name: user.name } : {}),
        ...(typeof user.email === "string" && user.email.length <= MAX_PROFILE_CLAIM_LENGTH
          ? { email: user.email }
          : {}),
        emailVerified: user.emailVerified,
      };
  const iat = Math.floor(Date.now() / 1000);
  return {
    ...(typeof userClaims === "object" && userClaims !== null ? userClaims : {}),
    sub: user.id,
    sessionId: session.id,
    iss: issuer,
    aud: CONVEX_JWT_AUDIENCE,
    iat,
    exp: iat + resolved.expirationSeconds,
  };
}

async function sign(claims: Record<string, unknown>, key: JwkRow, authContext: AuthContext): Promise<string> {
  const privateKey = await importSigningKey(key, authContext);
  return new SignJWT(claims).setProtectedHeader({ alg: CONVEX_JWT_ALG, kid: key.id, typ: "JWT" }).sign(privateKey);
}

/**
 * Mint the RS256 JWT Convex accepts for a Better Auth session.
 *
 * Claims: `iss` = `CONVEX_SITE_URL`, `aud` = `"convex"`, `sub` = user id,
 * `sessionId` = session id, `iat`, `exp` = `iat + expirationSeconds`, plus
 * `name`, `email` and `emailVerified` (or whatever `jwt.definePayload`
 * returns, which cannot override the former). The header `kid` is the signing
 * key's row id. A key is created on first use unless keys are static.
 *
 * With `jwksRotateOnTokenGenerationError`, a key that cannot sign RS256 is
 * replaced once; otherwise the error carries the fix in its message.
 *
 * @param authContext - `ctx.context` of the current endpoint.
 * @param resolved - The validated plugin options.
 * @param subject - The session to mint for; callers pass the session the
 * browser will hold after this response.
 * @returns The token, its lifetime and its `kid`.
 * @throws APIError with code `CONVEX_SITE_URL_MISSING`,
 * `SIGNING_KEY_ALGORITHM_MISMATCH`, `SIGNING_KEY_DECRYPTION_FAILED` or
 * `NO_SIGNING_KEY`.
 *
 * @example
 * ```ts
 * const { token, expiresIn } = await mintConvexJwt(ctx.context, resolved, session);
 * ```
 */
export async function mintConvexJwt(
  authContext: AuthContext,
  resolved: ResolvedConvexOptions,
  subject: ConvexTokenSubject,
): Promise<MintedConvexJwt> {
  const claims = await buildClaims(resolved, subject, getConvexSiteUrl());
  let key = await resolveSigningKey(authContext, resolved);
  try {
    return { token: await sign(claims, key, authContext), expiresIn: resolved.expirationSeconds, kid: key.id };
  } catch (error) {
    if (!isAlgorithmMismatch(error) || !resolved.rotateOnError || resolved.staticJwks) throw error;
    authContext.logger.warn(
      `[convex-better-auth] JWT signing key "${key.id}" cannot sign ${CONVEX_JWT_ALG}; ` +
        "replacing the stored keys because jwksRotateOnTokenGenerationError is enabled.",
    );
    await deleteConvexJwks(authContext, await listJwks(authContext, resolved));
    key = await createConvexJwk(authContext);
    return { token: await sign(claims, key, authContext), expiresIn: resolved.expirationSeconds, kid: key.id };
  }
}
