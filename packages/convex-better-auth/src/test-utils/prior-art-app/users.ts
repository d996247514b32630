import { v } from "convex/values";
import { authComponent, createAuth } from "./auth";
import { mutation, query } from "./_generated/server";

export const addNote = mutation({
  args: { text: v.string() },
  handler: async (ctx, args) => {
    const user = await authComponent.getAuthUser(ctx);
    return await ctx.db.insert("notes", { authUserId: user._id, text: args.text });
  },
});

export const noteAuthor = query({
  args: { noteId: v.id("notes") },
  handler: async (ctx, args) => {
    const note = await ctx.db.get(args.noteId);
    if (!note) return null;
    const author = await authComponent.getAnyUserById(ctx, note.authUserId);
    return author ? { name: author.name, email: author.email } : null;
  },
});

export const updateUserPassword = mutation({
  args: { currentPassword: v.string(), newPassword: v.string() },
  handler: async (ctx, args) => {
    const { auth, headers } = await authComponent.getAuth(createAuth, ctx);
    await auth.api.changePassword({ body: args, headers });
    const sameHeaders: Headers = await authComponent.getHeaders(ctx);
    return sameHeaders.has("authorization");
  },
});
