/**
 * The root routes `registerRoutes` adds for `@better-auth/oauth-provider`
 * and `mcp()`.
 *
 * @internal
 * @module
 */

/** What `registerRoutes` serves for `@better-auth/oauth-provider` / `mcp()`. */
export type OAuthProviderRoutes = {
  /** The provider's issuer is the site root, so its OIDC discovery is the root one. */
  rootIssuer: boolean;
};

/**
 * RFC 8414 authorization server metadata (`/.well-known/oauth-authorization-server/<issuer path>`)
 * and RFC 9728 protected resource metadata (`/.well-known/oauth-protected-resource[/<resource path>]`)
 * live outside `basePath`; the plugins answer them from their `onRequest`.
 */
export const OAUTH_DISCOVERY_PATHS = [
  "/.well-known/oauth-authorization-server",
  "/.well-known/oauth-protected-resource",
];

function isSiteRoot(url: unknown): boolean {
  try {
    return typeof url === "string" && new URL(url).pathname.replace(/\/+$/, "") === "";
  } catch {
    return false;
  }
}

/**
 * Whether Better Auth runs the OAuth provider (`mcp()` is one too), and
 * where its issuer is, read from the plugins' options.
 *
 * @example
 * ```ts
 * oauthProviderOf(createAuth({})); // { rootIssuer: false }, or undefined without the provider
 * ```
 */
export function oauthProviderOf(auth: { options?: { plugins?: unknown } }): OAuthProviderRoutes | undefined {
  type PluginLike = { id?: unknown; options?: { disableJwtPlugin?: unknown; jwt?: { issuer?: unknown } } };
  const plugins = (Array.isArray(auth.options?.plugins) ? auth.options.plugins : []) as PluginLike[];
  const provider = plugins.find((plugin) => plugin?.id === "oauth-provider");
  if (!provider) return undefined;
  // The provider's issuer is jwt()'s, else Better Auth's baseURL + basePath.
  const issuer = provider.options?.disableJwtPlugin
    ? undefined
    : plugins.find((p) => p?.id === "jwt")?.options?.jwt?.issuer;
  return { rootIssuer: isSiteRoot(issuer) };
}
