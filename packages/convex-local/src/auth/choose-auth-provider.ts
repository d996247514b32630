/**
 * Picks the `auth.config.ts` provider a token belongs to, the way the backend
 * does before verifying anything: first provider whose issuer matches and,
 * if it has an application ID, whose ID is among the token's audiences.
 */
import type { AuthProviderConfig } from "../engine/types.ts";
import { invalidAuthHeader, noAuthProvider } from "./auth-errors.ts";
import { audiences, normalizeIssuer, type UnverifiedJwt } from "./decode-unverified-jwt.ts";

/** An OIDC provider (`{domain, applicationID}`). */
export type OidcProviderConfig = Extract<AuthProviderConfig, { domain: string }>;
/** A `customJwt` provider. */
export type CustomJwtProviderConfig = Extract<AuthProviderConfig, { type: "customJwt" }>;

/**
 * Whether a provider is a `customJwt` one.
 *
 * @example
 * isCustomJwt({ type: "customJwt", issuer: "https://a", jwks: "https://a/jwks", algorithm: "RS256" }); // true
 */
export function isCustomJwt(provider: AuthProviderConfig): provider is CustomJwtProviderConfig {
  return (provider as { type?: unknown }).type === "customJwt";
}

function applicationIdOf(provider: AuthProviderConfig): string | null {
  return provider.applicationID ?? null;
}

function issuerOf(provider: AuthProviderConfig): string {
  return isCustomJwt(provider) ? provider.issuer : provider.domain;
}

/**
 * How the backend names a provider in its development error message.
 *
 * @example
 * providerLabel({ domain: "https://a", applicationID: "convex" }); // "OIDC(domain=https://a, app_id=convex)"
 */
export function providerLabel(provider: AuthProviderConfig): string {
  const appId = applicationIdOf(provider) ?? "none";
  return isCustomJwt(provider)
    ? `CustomJWT(issuer=${provider.issuer}, app_id=${appId})`
    : `OIDC(domain=${provider.domain}, app_id=${appId})`;
}

/**
 * The provider for a decoded token, or the backend's `InvalidAuthHeader`
 * (no `iss`) / `NoAuthProvider` error.
 *
 * @example
 * const provider = chooseAuthProvider(decodeUnverifiedJwt(token), deployment.authConfig);
 */
export function chooseAuthProvider(jwt: UnverifiedJwt, providers: AuthProviderConfig[]): AuthProviderConfig {
  const iss = jwt.payload.iss;
  if (typeof iss !== "string") {
    throw invalidAuthHeader(
      "Missing issuer claim ('iss') in JWT payload. Check that the token was issued by one of your configured auth providers.",
    );
  }
  const tokenIssuer = normalizeIssuer(iss);
  const tokenAudiences = audiences(jwt.payload);
  const match = providers.find((provider) => {
    const appId = applicationIdOf(provider);
    if (appId !== null && !tokenAudiences.includes(appId)) return false;
    return normalizeIssuer(issuerOf(provider)) === tokenIssuer;
  });
  if (match === undefined) throw noAuthProvider(providers.map(providerLabel));
  return match;
}
