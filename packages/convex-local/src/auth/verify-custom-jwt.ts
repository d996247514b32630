/**
 * Verifies a token against a `customJwt` provider in the backend's order:
 * JWKS, signature (configured algorithm only, key by `kid`), issuer,
 * audience, time claims (5 s leeway), required claims.
 */
import { compactVerify, importJWK, type JWK } from "jose";
import { isCodedError } from "../deploy/coded-error.ts";
import type { CustomJwtProviderConfig } from "./choose-auth-provider.ts";
import { invalidAuthHeader } from "./auth-errors.ts";
import { audiences, normalizeIssuer, type UnverifiedJwt } from "./decode-unverified-jwt.ts";
import type { CachedResponse } from "./fetch-with-http-cache.ts";
import { findSigningKeys, jwksLoader } from "./jwks-key-source.ts";

/** The tolerance biscuit (the backend's JWT library) gives `exp`, `nbf` and `iat`. */
export const CUSTOM_JWT_LEEWAY_SECONDS = 5;

const JWKS_CONTENT_TYPES = new Set(["application/json", "application/jwk-set+json"]);

function parseJwksResponse(url: string, response: CachedResponse): JWK[] {
  if (response.status < 200 || response.status >= 300) {
    throw invalidAuthHeader(
      `Could not fetch JWKS from URL '${url}': HTTP ${response.status} ${response.statusText}. ` +
        "Check that the `jwks` URL in convex/auth.config.ts is correct and reachable.",
    );
  }
  const contentType = response.contentType ?? "";
  const [mime, ...params] = contentType.split(";").map((part) => part.trim().toLowerCase());
  const charsetOk = params.every((param) => !param.startsWith("charset=") || param === "charset=utf-8");
  if (!JWKS_CONTENT_TYPES.has(mime ?? "") || !charsetOk) {
    throw invalidAuthHeader(
      `Invalid Content-Type '${contentType}' when fetching JWKS from '${url}'. ` +
        "Expected 'application/json' or 'application/jwk-set+json'.",
    );
  }
  try {
    const jwks = JSON.parse(response.body) as { keys?: unknown };
    if (!Array.isArray(jwks.keys)) throw new Error("no keys array");
    return jwks.keys as JWK[];
  } catch {
    throw invalidAuthHeader(`Invalid JWKS response body from '${url}'. Check that it serves a JSON Web Key Set.`);
  }
}

function kidError(kid: unknown): Error {
  return invalidAuthHeader(
    typeof kid === "string"
      ? `Could not decode token. The JWT's 'kid' (key ID) header is '${kid}', does this key match any key in the provider's JWKS?`
      : "Could not decode token. JWT may be missing a 'kid' (key ID) header.",
  );
}

async function verifySignature(token: string, jwt: UnverifiedJwt, provider: CustomJwtProviderConfig): Promise<void> {
  const kid = typeof jwt.header.kid === "string" ? jwt.header.kid : undefined;
  const load = jwksLoader(provider.jwks, (response) => parseJwksResponse(provider.jwks, response));
  let keys: JWK[];
  try {
    keys = await findSigningKeys(provider.jwks, load, kid, false);
  } catch (error) {
    if (isCodedError(error)) throw error;
    throw invalidAuthHeader(
      `Could not fetch JWKS from URL '${provider.jwks}': ${(error as Error)?.message ?? String(error)}`,
    );
  }
  for (const jwk of keys) {
    if (jwk.alg !== undefined && jwk.alg !== provider.algorithm) continue;
    try {
      const key = await importJWK(jwk, provider.algorithm);
      await compactVerify(token, key, { algorithms: [provider.algorithm] });
      return;
    } catch {
      // A wrong algorithm, key type or signature: try the next key with this kid.
    }
  }
  throw kidError(jwt.header.kid);
}

function numericClaim(payload: Record<string, unknown>, name: string): number | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw invalidAuthHeader(`Could not validate token: the '${name}' claim is not a NumericDate`);
  }
  return value;
}

function checkTimes(payload: Record<string, unknown>, nowSeconds: number): void {
  const exp = numericClaim(payload, "exp");
  const nbf = numericClaim(payload, "nbf");
  const iat = numericClaim(payload, "iat");
  if (exp !== undefined && nowSeconds > exp + CUSTOM_JWT_LEEWAY_SECONDS) {
    throw invalidAuthHeader(`Could not validate token: Token expired ${Math.floor(nowSeconds - exp)} seconds ago`);
  }
  for (const notBefore of [nbf, iat]) {
    if (notBefore !== undefined && notBefore > nowSeconds + CUSTOM_JWT_LEEWAY_SECONDS) {
      throw invalidAuthHeader(
        `Could not validate token: Token will be valid in ${Math.ceil(notBefore - nowSeconds)} seconds`,
      );
    }
  }
}

/**
 * Verifies `token` (already decoded into `jwt`) for a `customJwt` provider;
 * returns the verified payload or throws `InvalidAuthHeader` with the
 * backend's message.
 *
 * @example
 * const payload = await verifyCustomJwt(token, decodeUnverifiedJwt(token), provider, Date.now());
 */
export async function verifyCustomJwt(
  token: string,
  jwt: UnverifiedJwt,
  provider: CustomJwtProviderConfig,
  nowMs: number,
): Promise<Record<string, unknown>> {
  await verifySignature(token, jwt, provider);
  const { payload } = jwt;
  if (typeof payload.iss === "string") {
    const issuer = normalizeIssuer(payload.iss);
    const expected = normalizeIssuer(provider.issuer);
    if (issuer !== expected) throw invalidAuthHeader(`Invalid issuer: ${issuer} != ${expected}`);
  }
  if (provider.applicationID) {
    if (payload.aud === undefined) {
      throw invalidAuthHeader(
        "Missing audience claim ('aud') in JWT payload. The provider in convex/auth.config.ts has an applicationID, " +
          "so tokens must name it in 'aud'.",
      );
    }
    const auds = audiences(payload);
    if (!auds.includes(provider.applicationID)) {
      throw invalidAuthHeader(`Invalid audience: ${provider.applicationID} not in [${auds.join(", ")}]`);
    }
  }
  checkTimes(payload, nowMs / 1000);
  if (typeof payload.sub !== "string") throw invalidAuthHeader("Missing subject");
  if (typeof payload.iss !== "string") throw invalidAuthHeader("Missing issuer");
  if (payload.exp === undefined) throw invalidAuthHeader("Missing expiry");
  return payload;
}
