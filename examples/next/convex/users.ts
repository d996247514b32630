import { mutation } from "./_generated/server";
import { v } from "convex/values";
import { isAPIError } from "better-auth/api";
import { createAuth, authComponent } from "./auth";

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
      // A wrong current password or a too-short new one is the user's
      // mistake (Better Auth answers 4xx): return it for the form to show.
      // Thrown, it would be a failed function in the Convex log and a 500
      // with a stack in the Next.js terminal.
      if (isAPIError(error) && error.statusCode < 500) {
        return {
          ok: false as const,
          code: String(error.body?.code ?? error.status),
          message: error.body?.message ?? error.message,
        };
      }
      throw error;
    }
  },
});
