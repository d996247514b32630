import type { DataModelFromSchemaDefinition, GenericMutationCtx } from "convex/server";
import { createClient } from "../../client/index.js";
import { components, internal } from "./_generated/api.js";
import type schema from "./schema.js";

type Ctx = GenericMutationCtx<DataModelFromSchemaDefinition<typeof schema>>;

export const authComponent = createClient(components.betterAuth, {
  authFunctions: internal.auth,
  triggers: {
    user: {
      onCreate: async (ctx: Ctx, doc: { id: string; name: string }) => {
        if (doc.name === "Reject Me") throw new Error("trigger refused the user");
        await ctx.db.insert("profiles", { userId: doc.id, name: doc.name });
      },
      onUpdate: async (ctx: Ctx, newDoc: { id: string; name: string }, oldDoc: { name: string }) => {
        const profile = await ctx.db
          .query("profiles")
          .withIndex("userId", (q) => q.eq("userId", newDoc.id))
          .unique();
        if (profile) await ctx.db.patch(profile._id, { name: newDoc.name });
        await ctx.db.insert("audit", { event: `rename ${oldDoc.name} -> ${newDoc.name}`, userId: newDoc.id });
      },
      onDelete: async (ctx: Ctx, doc: { id: string }) => {
        const profile = await ctx.db
          .query("profiles")
          .withIndex("userId", (q) => q.eq("userId", doc.id))
          .unique();
        if (profile) await ctx.db.delete(profile._id);
      },
    },
  },
});

export const { onCreate, onUpdate, onDelete } = authComponent.triggersApi();
export const { getAuthUser } = authComponent.clientApi();
