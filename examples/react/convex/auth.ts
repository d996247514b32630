import { createClient, type GenericCtx } from "convex-better-auth";
import { convex, crossDomain } from "convex-better-auth/plugins";
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
      ...(oauthProvider ? [genericOAuth({ config: [oauthProvider] })] : []),
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
