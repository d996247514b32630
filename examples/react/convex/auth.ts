import { createClient, type GenericCtx } from "convex-better-auth";
import { convex, crossDomain } from "convex-better-auth/plugins";
import { isActionCtx } from "convex-better-auth/utils";
import { components } from "./_generated/api";
import { DataModel } from "./_generated/dataModel";
import { query } from "./_generated/server";
import { betterAuth } from "better-auth/minimal";
import { genericOAuth, type GenericOAuthConfig } from "better-auth/plugins/generic-oauth";
import authConfig from "./auth.config";

const siteUrl = process.env.SITE_URL!;

// The component client has methods needed for integrating Convex with Better Auth,
// as well as helper methods for general use.
export const authComponent = createClient<DataModel>(components.betterAuth);

/**
 * An OpenID Connect provider for "Sign in with …", configured from Convex
 * environment variables and left out when they are not set:
 *
 *   npx convex env set OAUTH_ISSUER https://accounts.example.com
 *   npx convex env set OAUTH_CLIENT_ID …
 *   npx convex env set OAUTH_CLIENT_SECRET …
 *   npx convex env set OAUTH_PROVIDER_NAME "Example"   # optional, the button's label
 *
 * Register `${CONVEX_SITE_URL}/api/auth/callback/oidc` as the redirect URI
 * with the provider: the callback lands on the Convex site, which sends the
 * browser back to the app with a one-time token (see crossDomain).
 */
const OAUTH_PROVIDER_ID = "oidc";

function oauthProviderConfig(): GenericOAuthConfig | null {
  const issuer = process.env.OAUTH_ISSUER;
  const clientId = process.env.OAUTH_CLIENT_ID;
  const clientSecret = process.env.OAUTH_CLIENT_SECRET;
  if (!issuer || !clientId || !clientSecret) return null;
  return {
    providerId: OAUTH_PROVIDER_ID,
    name: process.env.OAUTH_PROVIDER_NAME || "OpenID Connect",
    discoveryUrl: `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    scopes: ["openid", "email", "profile"],
    // Signing out of the app leaves the provider's own session alone, as
    // "Sign in with …" buttons do; no trip through its end-session page.
    disableProviderLogout: true,
  };
}

type GenericOAuthPlugin = ReturnType<typeof genericOAuth>;
type OAuthProviders = Awaited<ReturnType<GenericOAuthPlugin["init"]>>["context"]["socialProviders"];

// The providers genericOAuth built, by configuration. Module scope outlives
// the request: Convex keeps a deployment's modules loaded between requests.
const discoveredProviders = new Map<string, OAuthProviders>();

/**
 * Better Auth's `genericOAuth`, reading the provider's discovery document
 * once rather than on every request. The plugin fetches it (endpoints,
 * issuer, the JWKS that id_tokens are checked against) whenever a Better
 * Auth instance starts, and `createAuth` starts one per request; this keeps
 * the provider the first request built for the next ones. A failed
 * discovery is not kept, so the next request tries again.
 */
function genericOAuthDiscoveredOnce(config: GenericOAuthConfig): GenericOAuthPlugin {
  const plugin = genericOAuth({ config: [config] });
  const key = JSON.stringify(config);
  return {
    ...plugin,
    init: async (ctx) => {
      const discovered = discoveredProviders.get(key);
      if (discovered) {
        return {
          context: {
            socialProviders: [...discovered, ...ctx.socialProviders],
            genericOAuthPendingDiscovery: new Map(),
          },
        };
      }
      const started = await plugin.init(ctx);
      const built = started.context.socialProviders.filter((provider) => provider.id === config.providerId);
      if (built.length > 0) discoveredProviders.set(key, built);
      return started;
    },
  };
}

export const createAuth = (ctx: GenericCtx<DataModel>) => {
  const oauthProvider = oauthProviderConfig();
  return betterAuth({
    baseURL: process.env.CONVEX_SITE_URL,
    trustedOrigins: [siteUrl],
    database: authComponent.adapter(ctx),
    // Configure simple, non-verified email/password to get started
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: false,
    },
    plugins: [
      // The cross domain plugin is required for client side frameworks
      crossDomain({ siteUrl }),
      // The Convex plugin is required for Convex compatibility
      convex({ authConfig }),
      // Only where it can run: the plugin fetches the provider's discovery
      // document the first time, and queries, mutations and the createAuth
      // call of registerRoutes (http.ts, while the module loads) cannot
      // fetch. The sign-in and its callback are HTTP actions.
      ...(oauthProvider && isActionCtx(ctx) ? [genericOAuthDiscoveredOnce(oauthProvider)] : []),
    ],
  });
};

// Example function for getting the current user
// Feel free to edit, omit, etc.
export const getCurrentUser = query({
  args: {},
  handler: async (ctx) => {
    return authComponent.getAuthUser(ctx);
  },
});

/** The sign-in page's "Sign in with …" button: the configured provider, if any. */
export const oauthProvider = query({
  args: {},
  handler: async () => {
    const config = oauthProviderConfig();
    return config ? { id: config.providerId, name: config.name ?? config.providerId } : null;
  },
});
