import type { DataModelFromSchemaDefinition } from "convex/server";
import { createClient } from "../../index.js";
import { components, internal } from "./_generated/api.js";
import type schema from "./schema.js";

type DataModel = DataModelFromSchemaDefinition<typeof schema>;

// A row's Better Auth id: the id the test chose, else its Convex `_id`.
const authId = (doc: { id?: string; _id: string }) => doc.id ?? doc._id;

export const authComponent = createClient<DataModel>(components.betterAuth, {
  authFunctions: internal.auth,
  triggers: {
    user: {
      onCreate: async (ctx, doc) => {
        if (doc.name === "Reject Me") throw new Error("trigger refused the user");
        await ctx.db.insert("profiles", { userId: authId(doc), name: doc.name });
      },
      onUpdate: async (ctx, newDoc, oldDoc) => {
        const profile = await ctx.db
          .query("profiles")
          .withIndex("userId", (q) => q.eq("userId", authId(newDoc)))
          .unique();
        if (profile) await ctx.db.patch(profile._id, { name: newDoc.name });
        await ctx.db.insert("audit", { event: `rename ${oldDoc.name} -> ${newDoc.name}`, userId: authId(newDoc) });
      },
      onDelete: async (ctx, doc) => {
        const profile = await ctx.db
          .query("profiles")
          .withIndex("userId", (q) => q.eq("userId", authId(doc)))
          .unique();
        if (profile) await ctx.db.delete(profile._id);
      },
    },
  },
});

export const { onCreate, onUpdate, onDelete } = authComponent.triggersApi();
export const { getAuthUser } = authComponent.clientApi();
