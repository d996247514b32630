// The deployment as an OAuth 2.1 authorization server next to convex(), set
// up as the README says: jwt() on ES256 with convexSafeJwtAdapter().
import { oauthProvider } from "@better-auth/oauth-provider";
import { betterAuth } from "better-auth";
import { jwt } from "better-auth/plugins";
import { createClient, type GenericCtx } from "convex-better-auth";
import { convex, convexSafeJwtAdapter } from "convex-better-auth/plugins";
import { components } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";
import authConfig from "./auth.config";

/** The protected resource the access tokens are issued for (their `aud`); opt-in/auth.config.ts names it too. */
export const RESOURCE = "https://api.example.com/mcp";

export const authComponent = createClient<DataModel>(components.betterAuth);

export const createAuth = (ctx: GenericCtx<DataModel>) =>
  betterAuth({
    // Better Auth is served from the deployment's site, so the provider's
    // issuer is `${CONVEX_SITE_URL}/api/auth`, as the README's opt-in expects.
    baseURL: process.env.CONVEX_SITE_URL!,
    database: authComponent.adapter(ctx),
    emailAndPassword: { enabled: true, requireEmailVerification: false },
    logger: { disabled: true },
    plugins: [
      convex({ authConfig }),
      jwt({ jwks: { keyPairConfig: { alg: "ES256" } }, adapter: convexSafeJwtAdapter() }),
      oauthProvider({
        loginPage: "/sign-in",
        consentPage: "/consent",
        scopes: ["openid", "profile", "email", "offline_access"],
        resources: [RESOURCE],
        clientRegistrationDefaultResources: [RESOURCE],
      }),
    ],
  });
