// The guide's app with every plugin the bundled component supports, so the
// fuzz test reaches every route registerRoutes serves for that set.
import { apiKey } from "@better-auth/api-key";
import { passkey } from "@better-auth/passkey";
import { betterAuth } from "better-auth";
import {
  admin,
  anonymous,
  emailOTP,
  genericOAuth,
  magicLink,
  oneTimeToken,
  organization,
  phoneNumber,
  twoFactor,
  username,
} from "better-auth/plugins";
import { createClient, type GenericCtx } from "convex-better-auth";
import { convex } from "convex-better-auth/plugins";
import { components } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";
import { query } from "./_generated/server";
import authConfig from "./auth.config";

const noop = async (): Promise<void> => {};

export const authComponent = createClient<DataModel>(components.betterAuth);

export const createAuth = (ctx: GenericCtx<DataModel>) =>
  betterAuth({
    baseURL: process.env.SITE_URL!,
    database: authComponent.adapter(ctx),
    emailAndPassword: { enabled: true, requireEmailVerification: false, sendResetPassword: noop },
    emailVerification: { sendVerificationEmail: noop },
    rateLimit: { enabled: false },
    logger: { disabled: true },
    plugins: [
      convex({ authConfig }),
      twoFactor(),
      username(),
      anonymous(),
      phoneNumber({ sendOTP: noop }),
      magicLink({ sendMagicLink: noop }),
      emailOTP({ sendVerificationOTP: noop }),
      genericOAuth({
        config: [
          {
            providerId: "example",
            clientId: "client-id",
            clientSecret: "client-secret",
            authorizationUrl: "https://example.invalid/authorize",
            tokenUrl: "https://example.invalid/token",
          },
        ],
      }),
      oneTimeToken(),
      admin(),
      organization({ teams: { enabled: true } }),
      passkey(),
      apiKey(),
    ],
  });

export const getCurrentUser = query({
  args: {},
  handler: async (ctx) => await authComponent.safeGetAuthUser(ctx),
});
