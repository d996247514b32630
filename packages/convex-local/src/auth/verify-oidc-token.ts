/**
 * Verifies an OIDC ID token the way the backend's openidconnect verifier
 * does: discovery from the token's own `iss`, JWKS from the discovery
 * document, RS256 or EdDSA only, issuer equal, audience exactly the
 * application ID, `exp` against the exact server time (no leeway).
 */
import { compactVerify, importJWK, type JWK } from "jose";
import { isCodedError } from "../deploy/coded-error.ts";
import type { OidcProviderConfig } from "./choose-auth-provider.ts";
import { discoveryFailed, oidcUnparseable, oidcVerificationFailed } from "./auth-errors.ts";
import { audiences, normalizeIssuer, type UnverifiedJwt } from "./decode-unverified-jwt.ts";
import { fetchWithHttpCache, type CachedResponse } from "./fetch-with-http-cache.ts";
import { findSigningKeys, jwksLoader } from "./jwks-key-source.ts";

/** The algorithms the backend's OIDC verifier accepts (jose names Ed25519 EdDSA too). */
const OIDC_ALGORITHMS = ["RS256", "EdDSA", "Ed25519"];

async function fetchOrFail(issuer: string, url: string, refresh = false): Promise<CachedResponse> {
  let response: CachedResponse;
  try {
    response = await fetchWithHttpCache(url, { refresh });
  } catch (error) {
    throw discoveryFailed(issuer, undefined, (error as Error)?.message);
  }
  if (response.status < 200 || response.status >= 300) throw discoveryFailed(issuer, response.status, response.body);
  return response;
}

function parseJson(issuer: string, response: CachedResponse): Record<string, unknown> {
  try {
    const value = JSON.parse(response.body) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below like any other discovery failure.
  }
  throw discoveryFailed(issuer);
}

/** The OIDC library rejects an ID token whose required claims are missing or mistyped before verifying it. */
function assertOidcShape(jwt: UnverifiedJwt): void {
  const { header, payload } = jwt;
  const aud = payload.aud;
  const audOk = typeof aud === "string" || (Array.isArray(aud) && aud.every((a) => typeof a === "string"));
  if (
    typeof header.alg !== "string" ||
    typeof payload.iss !== "string" ||
    typeof payload.sub !== "string" ||
    !audOk ||
    typeof payload.exp !== "number" ||
    typeof payload.iat !== "number"
  ) {
    throw oidcUnparseable();
  }
}

/**
 * Verifies `token` for an OIDC provider; returns the payload or throws the
 * backend's error (`AuthProviderDiscoveryFailed`, or `InvalidAuthHeader` with
 * "Could not parse as OIDC ID token…" / "Could not verify OIDC token claim…").
 *
 * @example
 * const payload = await verifyOidcToken(token, decodeUnverifiedJwt(token), provider, Date.now());
 */
export async function verifyOidcToken(
  token: string,
  jwt: UnverifiedJwt,
  provider: OidcProviderConfig,
  nowMs: number,
): Promise<Record<string, unknown>> {
  assertOidcShape(jwt);
  const issuer = normalizeIssuer(jwt.payload.iss as string);
  const discovery = parseJson(issuer, await fetchOrFail(issuer, `${issuer}/.well-known/openid-configuration`));
  if (typeof discovery.issuer !== "string" || normalizeIssuer(discovery.issuer) !== issuer)
    throw discoveryFailed(issuer);
  const jwksUri = discovery.jwks_uri;
  if (typeof jwksUri !== "string") throw discoveryFailed(issuer);
  const load = jwksLoader(jwksUri, (response) => {
    if (response.status < 200 || response.status >= 300) throw discoveryFailed(issuer, response.status, response.body);
    const keys = parseJson(issuer, response).keys;
    if (!Array.isArray(keys)) throw discoveryFailed(issuer);
    return keys as JWK[];
  });

  const alg = jwt.header.alg as string;
  if (!OIDC_ALGORITHMS.includes(alg)) throw oidcVerificationFailed();
  const kid = typeof jwt.header.kid === "string" ? jwt.header.kid : undefined;
  let keys: JWK[];
  try {
    keys = await findSigningKeys(jwksUri, load, kid, true);
  } catch (error) {
    if (isCodedError(error)) throw error;
    throw discoveryFailed(issuer, undefined, (error as Error)?.message);
  }
  let verified = false;
  for (const jwk of keys) {
    if (jwk.alg !== undefined && jwk.alg !== alg) continue;
    try {
      await compactVerify(token, await importJWK(jwk, alg), { algorithms: [alg] });
      verified = true;
      break;
    } catch {
      // Not this key; the token fails below if no key verifies it.
    }
  }
  if (!verified) throw oidcVerificationFailed();

  const { payload } = jwt;
  // Several audiences are refused outright (the backend's verifier is a public client without an audience allow-list).
  const auds = audiences(payload);
  if (normalizeIssuer(payload.iss as string) !== normalizeIssuer(discovery.issuer)) throw oidcVerificationFailed();
  if (auds.length !== 1 || auds[0] !== provider.applicationID) throw oidcVerificationFailed();
  if ((payload.exp as number) <= nowMs / 1000) throw oidcVerificationFailed();
  return payload;
}
