// Written against @convex-dev/better-auth 0.12's documented API (guide,
// triggers, getAuth, setUserId), with only the import specifier renamed.
import { createClient, type AuthFunctions, type EventFunction, type GenericCtx } from "convex-better-auth";
import { convex } from "convex-better-auth/plugins";
import { requireActionCtx } from "convex-better-auth/utils";
import { betterAuth } from "better-auth";
import { components, internal } from "./_generated/api";
import type { DataModel, Id } from "./_generated/dataModel";
import { query } from "./_generated/server";
import authConfig from "./auth.config";

const siteUrl = process.env.SITE_URL!;

const authFunctions: AuthFunctions = internal.auth;
// The prior art's type for a mutation Better Auth events call.
export const onCreateEvent: EventFunction<{ model: string; doc: any }> = internal.auth.onCreate;

export const authComponent = createClient<DataModel>(components.betterAuth, {
  authFunctions,
  triggers: {
    user: {
      onCreate: async (ctx, doc) => {
        const userId = await ctx.db.insert("users", { email: doc.email, authId: doc._id });
        // Deprecated in the prior art, still part of its API.
        await authComponent.setUserId(ctx, doc._id, userId);
      },
      onUpdate: async (ctx, newDoc, oldDoc) => {
        if (newDoc.email === oldDoc.email) return;
        const user = await ctx.db
          .query("users")
          .withIndex("authId", (q) => q.eq("authId", newDoc._id))
          .unique();
        if (user) await ctx.db.patch(user._id, { email: newDoc.email });
      },
      onDelete: async (ctx, doc) => {
        if (doc.userId) await ctx.db.delete(doc.userId as Id<"users">);
      },
    },
  },
  verbose: false,
});

export const { onCreate, onUpdate, onDelete } = authComponent.triggersApi();

export const createAuth = (ctx: GenericCtx<DataModel>) =>
  betterAuth({
    baseURL: siteUrl,
    database: authComponent.adapter(ctx),
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: false,
      sendResetPassword: async ({ user, url }) => {
        // Senders such as Resend need an action ctx.
        requireActionCtx(ctx);
        console.log(user.email, url);
      },
    },
    plugins: [convex({ authConfig })],
  });

export const getCurrentUser = query({
  args: {},
  handler: async (ctx) => {
    const user = await authComponent.safeGetAuthUser(ctx);
    if (!user) return null;
    // Typed as the component's user document.
    const email: string = user.email;
    const id: string = user._id;
    const image: string | null | undefined = user.image;
    return { id, email, image, name: user.name, emailVerified: user.emailVerified, createdAt: user.createdAt };
  },
});

export const { getAuthUser } = authComponent.clientApi();
