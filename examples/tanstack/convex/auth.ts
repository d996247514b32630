import { betterAuth } from "better-auth/minimal";
import { genericOAuth, type GenericOAuthConfig } from "better-auth/plugins/generic-oauth";
import { createClient, type GenericCtx } from "convex-better-auth";
import { convex } from "convex-better-auth/plugins";
import { isActionCtx } from "convex-better-auth/utils";
import authConfig from "./auth.config";
import { components } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";
import { query } from "./_generated/server";

const siteUrl = process.env.SITE_URL!;

// The component client has methods needed for integrating Convex with Better Auth,
// as well as helper methods for general use.
export const authComponent = createClient<DataModel>(components.betterAuth);

// The id of the OpenID Connect provider: `authClient.signIn.social({ provider: "oidc" })`.
const OAUTH_PROVIDER_ID = "oidc";

// An OpenID Connect provider, enabled by setting OAUTH_ISSUER,
// OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET (and optionally OAUTH_PROVIDER_NAME)
// with `npx convex env set`; the e2e test points them at a loopback provider.
// Register ${SITE_URL}/api/auth/callback/oidc as its redirect URI.
function oauthProvider(): GenericOAuthConfig | null {
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
    pkce: true,
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
  // genericOAuth fetches the provider's discovery document the first time,
  // and only actions may fetch: the OAuth flow runs in the HTTP actions, so
  // queries and mutations (auth.api calls through getAuth) go without the
  // provider.
  const oauth = isActionCtx(ctx) ? oauthProvider() : null;
  return betterAuth({
    baseURL: siteUrl,
    database: authComponent.adapter(ctx),
    // Configure simple, non-verified email/password to get started
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: false,
    },
    plugins: [
      ...(oauth ? [genericOAuthDiscoveredOnce(oauth)] : []),
      // The Convex plugin is required for Convex compatibility
      convex({ authConfig }),
    ],
  });
};

// Example function for getting the current user
// Feel free to edit, omit, etc.
export const getCurrentUser = query({
  args: {},
  handler: async (ctx) => {
    return await authComponent.getAuthUser(ctx);
  },
});

/** Which sign-in methods the sign-in page offers: the OAuth provider, when one is configured. */
export const getSignInMethods = query({
  args: {},
  handler: async () => {
    const oauth = oauthProvider();
    return { oauth: oauth ? { providerId: oauth.providerId, name: oauth.name } : null };
  },
});
