// The React (Vite SPA) guide's convex/auth.ts with the import specifier
// renamed, plus the plugins whose redirect flows the tests drive: magic
// link, email verification with auto sign-in, password reset, two-factor
// and a generic OAuth provider whose token and user-info calls are answered
// in process.
import { createClient, type GenericCtx } from "convex-better-auth";
import { convex, crossDomain } from "convex-better-auth/plugins";
import { components } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";
import { query } from "./_generated/server";
import { betterAuth } from "better-auth/minimal";
import { genericOAuth, magicLink, twoFactor } from "better-auth/plugins";
import authConfig from "./auth.config";
import { outbox } from "./outbox";

const siteUrl = process.env.SITE_URL!;

export const authComponent = createClient<DataModel>(components.betterAuth);

export const createAuth = (ctx: GenericCtx<DataModel>) => {
  return betterAuth({
    baseURL: process.env.CONVEX_SITE_URL,
    trustedOrigins: [siteUrl],
    database: authComponent.adapter(ctx),
    logger: { disabled: true },
    // Under NODE_ENV=test (vitest) Better Auth skips origin and CSRF checks
    // unless told not to; a deployment runs them.
    advanced: { disableOriginCheck: false },
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: false,
      sendResetPassword: async ({ url }) => void (outbox().resetUrl = url),
    },
    emailVerification: {
      autoSignInAfterVerification: true,
      sendVerificationEmail: async ({ url }) => void (outbox().verificationUrl = url),
    },
    plugins: [
      // The cross domain plugin is required for client side frameworks
      crossDomain({ siteUrl }),
      // The Convex plugin is required for Convex compatibility
      convex({ authConfig }),
      magicLink({ sendMagicLink: async ({ url }) => void (outbox().magicLink = url) }),
      twoFactor({
        skipVerificationOnEnable: true,
        otpOptions: { sendOTP: async ({ otp }) => void (outbox().otp = otp) },
      }),
      genericOAuth({
        config: [
          {
            providerId: "idp",
            clientId: "spa-client",
            clientSecret: "spa-secret",
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

export const getCurrentUser = query({
  args: {},
  handler: async (ctx) => {
    return authComponent.getAuthUser(ctx);
  },
});
