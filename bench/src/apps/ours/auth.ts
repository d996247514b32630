/**
 * Our side's `convex/auth.ts`, as the README tells users to write it:
 * convex-better-auth with the better-auth 1.7.25 of the workspace.
 */
import { betterAuth } from "better-auth";
import { createClient } from "convex-better-auth";
import { getAuthConfigProvider } from "convex-better-auth/auth-config";
import { convex } from "convex-better-auth/plugins";
import { meterCtx } from "../../metering/meter-ctx.ts";
import { sharedAuthOptions } from "../shared/auth-options.ts";
import { components } from "./_generated/api.ts";

const authConfig = { providers: [getAuthConfigProvider()] };

export const authComponent = createClient(components.betterAuth);

export const createAuth = (ctx: any) =>
  betterAuth({
    ...sharedAuthOptions,
    database: authComponent.adapter(meterCtx(ctx)),
    plugins: [convex({ authConfig })],
  });
