import { createAuthEndpoint, type AuthEndpoint } from "better-auth/api";
import { DEFAULT_BASE_PATH } from "../../auth-config/get-auth-config-provider.js";
import { getConvexSiteUrl } from "./convex-site-url.js";
import { CONVEX_JWT_ALG } from "./jwks-store.js";
import type { ResolvedConvexOptions } from "./resolve-options.js";

/**
 * The OpenID Provider Metadata served for Convex.
 *
 * @example
 * ```ts
 * const config = (await response.json()) as ConvexOpenIdConfiguration;
 * config.jwks_uri;
 * ```
 */
export type ConvexOpenIdConfiguration = {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint: string;
  response_types_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
  scopes_supported: string[];
  claims_supported: string[];
};

// Named, so the declared return type below can refer to it.
const OPEN_ID_CONFIGURATION_ENDPOINT_OPTIONS = {
  method: "GET" as const,
  metadata: {
    // Discovery is for Convex, not for the Better Auth client.
    isAction: false,
    openapi: {
      operationId: "getConvexOpenIdConfiguration",
      description: "OpenID Connect discovery document for Convex",
      responses: { "200": { description: "OpenID Provider Metadata" } },
    },
  },
};

/**
 * `GET /convex/.well-known/openid-configuration`: OIDC discovery for Convex
 * providers configured OIDC-style (`{ domain, applicationID }`), which look up
 * the JWKS through this document.
 *
 * Convex reads `issuer` and `jwks_uri` only. `authorization_endpoint` and the
 * `*_supported` lists are required by the discovery schema that OIDC clients
 * parse, so they are present; the authorization endpoint names Better Auth's
 * base URL because there is no interactive OIDC flow here.
 *
 * @example
 * ```ts
 * const config = await (await fetch(`${siteUrl}/api/auth/convex/.well-known/openid-configuration`)).json();
 * config.jwks_uri; // `${siteUrl}/api/auth/convex/jwks`
 * ```
 */
export function createOpenIdConfigurationEndpoint(
  resolved: ResolvedConvexOptions,
): AuthEndpoint<
  "/convex/.well-known/openid-configuration",
  typeof OPEN_ID_CONFIGURATION_ENDPOINT_OPTIONS,
  ConvexOpenIdConfiguration
> {
  return createAuthEndpoint(
    "/convex/.well-known/openid-configuration",
    OPEN_ID_CONFIGURATION_ENDPOINT_OPTIONS,
    async (ctx): Promise<ConvexOpenIdConfiguration> => {
      const issuer = getConvexSiteUrl();
      // The mounted basePath wins over the mirrored option: it is where
      // /convex/jwks is actually served. "/" must not produce "//convex".
      const basePath = (ctx.context.options.basePath ?? resolved.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, "");
      return ctx.json({
        issuer,
        jwks_uri: `${issuer}${basePath}/convex/jwks`,
        authorization_endpoint: `${issuer}${basePath}`,
        response_types_supported: ["id_token"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: [CONVEX_JWT_ALG],
        scopes_supported: ["openid", "profile", "email"],
        claims_supported: ["sub", "iss", "aud", "exp", "iat", "sessionId", "name", "email", "emailVerified"],
      });
    },
  );
}
