// The guide's Better Auth setup, typed without `_generated` (the test pushes this folder as is).
import { betterAuth } from "better-auth";
import { createClient, type GenericCtx } from "convex-better-auth";
import { convex } from "convex-better-auth/plugins";
import { componentsGeneric, type GenericDataModel } from "convex/server";
import authConfig from "./auth.config";

const components = componentsGeneric() as unknown as { betterAuth: Parameters<typeof createClient>[0] };

export const authComponent = createClient<GenericDataModel>(components.betterAuth);

export const createAuth = (ctx: GenericCtx<GenericDataModel>) =>
  betterAuth({
    baseURL: process.env.SITE_URL!,
    database: authComponent.adapter(ctx),
    emailAndPassword: { enabled: true, requireEmailVerification: false },
    plugins: [convex({ authConfig })],
  });
