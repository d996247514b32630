import { isAPIError } from "better-auth/api";
import { v } from "convex/values";
import { mutation, query } from "./_generated/server";
import { authComponent, createAuth } from "./auth";

/**
 * The signed-in user's name and email, or null: unlike `auth.getCurrentUser`
 * it never throws, so route guards can ask it whether a session is still
 * valid (a revoked session's token still verifies until it expires).
 */
export const viewer = query({
  args: {},
  handler: async (ctx) => {
    const user = await authComponent.safeGetAuthUser(ctx);
    return user ? { name: user.name, email: user.email } : null;
  },
});

/**
 * Changes the signed-in user's password. A refusal (wrong current password,
 * too short a new one) is an answer for the form, not a server error, so it
 * is returned rather than thrown.
 */
export const updateUserPassword = mutation({
  args: {
    currentPassword: v.string(),
    newPassword: v.string(),
  },
  handler: async (ctx, args) => {
    const { auth, headers } = await authComponent.getAuth(createAuth, ctx);
    try {
      await auth.api.changePassword({
        body: {
          currentPassword: args.currentPassword,
          newPassword: args.newPassword,
        },
        headers,
      });
      return { ok: true as const };
    } catch (error) {
      if (isAPIError(error) && error.statusCode < 500) {
        return { ok: false as const, message: error.body?.message ?? "Could not change the password" };
      }
      throw error;
    }
  },
});
