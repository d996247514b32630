// The Expo guide's convex/auth.ts with the import specifier renamed, for an
// app whose scheme is "myapp". With SITE_URL set it is the guide's "Expo Web
// support" version: the web app's origin trusted too and crossDomain() added.
// Plus a generic OAuth provider whose token and user-info calls are answered
// in process, for the native social sign-in flow.
import { expo } from "@better-auth/expo";
import { createClient, type GenericCtx } from "convex-better-auth";
import { convex, crossDomain } from "convex-better-auth/plugins";
import { betterAuth } from "better-auth/minimal";
import { genericOAuth } from "better-auth/plugins";
import { components } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";
import { query } from "./_generated/server";
import authConfig from "./auth.config";

// The component client has methods needed for integrating Convex with Better Auth,
// as well as helper methods for general use.
export const authComponent = createClient<DataModel>(components.betterAuth);

export const createAuth = (ctx: GenericCtx<DataModel>) => {
  const siteUrl = process.env.SITE_URL;
  return betterAuth({
    trustedOrigins: siteUrl ? [siteUrl, "myapp://"] : ["myapp://"],
    database: authComponent.adapter(ctx),
    logger: { disabled: true },
    // Under NODE_ENV=test (vitest) Better Auth skips origin and CSRF checks
    // unless told not to; a deployment runs them.
    advanced: { disableOriginCheck: false },
    // Configure simple, non-verified email/password to get started
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: false,
    },
    plugins: [
      // The Expo and Convex plugins are required
      expo(),
      convex({ authConfig }),
      ...(siteUrl ? [crossDomain({ siteUrl })] : []),
      genericOAuth({
        config: [
          {
            providerId: "idp",
            clientId: "expo-client",
            clientSecret: "expo-secret",
            authorizationUrl: "https://idp.example/authorize",
            tokenUrl: "https://idp.example/token",
            // The provider's answers, without a network: the code is the user's email.
            getToken: async ({ code }) => ({ accessToken: `access-${code}`, tokenType: "Bearer" }),
            getUserInfo: async (tokens) => {
              const email = tokens.accessToken!.slice("access-".length);
              return { id: `idp-${email}`, email, name: email.split("@")[0]!, emailVerified: true };
            },
          },
        ],
      }),
    ],
  });
};

// Example function for getting the current user
export const getCurrentUser = query({
  args: {},
  handler: async (ctx) => {
    return authComponent.getAuthUser(ctx);
  },
});
