/**
 * The prior art's `convex/auth.ts`, as its docs tell users to write it:
 * @convex-dev/better-auth 0.12.5 with the better-auth 1.6.23 it requires,
 * both loaded from bench/prior-art (see engine/resolve-hooks.ts).
 */
import { createClient } from "prior-art:@convex-dev/better-auth";
import { getAuthConfigProvider } from "prior-art:@convex-dev/better-auth/auth-config";
import { convex } from "prior-art:@convex-dev/better-auth/plugins";
import { betterAuth } from "prior-art:better-auth";
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
