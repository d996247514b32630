import type { GenericDataModel, GenericMutationCtx, GenericSchema, SchemaDefinition } from "convex/server";
import type { Infer } from "convex/values";

/**
 * A row of a component table as triggers get it: its fields plus `_id` and `_creationTime`.
 *
 * @example
 * ```ts
 * const onCreateUser = async (ctx: MutationCtx, doc: TriggerDoc<typeof authSchema, "user">) => {
 *   await ctx.db.insert("profiles", { authId: doc._id });
 * };
 * ```
 */
export type TriggerDoc<
  Schema extends SchemaDefinition<GenericSchema, boolean>,
  Table extends keyof Schema["tables"],
> = Infer<Schema["tables"][Table]["validator"]> & { _id: string; _creationTime: number };

/**
 * Functions run in the same Convex transaction as a Better Auth write to a
 * component table, keyed by table name, typed with your app's mutation ctx
 * and the table's documents.
 *
 * @example
 * ```ts
 * const triggers: Triggers<DataModel, typeof authSchema> = {
 *   user: {
 *     onCreate: async (ctx, doc) => {
 *       await ctx.db.insert("profiles", { authId: doc._id, name: doc.name });
 *     },
 *   },
 * };
 * export const authComponent = createClient<DataModel, typeof authSchema>(components.betterAuth, {
 *   local: { schema: authSchema },
 *   triggers,
 *   authFunctions: internal.auth,
 * });
 * ```
 */
export type Triggers<DataModel extends GenericDataModel, Schema extends SchemaDefinition<GenericSchema, boolean>> = {
  [Table in keyof Schema["tables"]]?: {
    onCreate?: <Ctx extends GenericMutationCtx<DataModel>>(ctx: Ctx, doc: TriggerDoc<Schema, Table>) => Promise<void>;
    onUpdate?: <Ctx extends GenericMutationCtx<DataModel>>(
      ctx: Ctx,
      newDoc: TriggerDoc<Schema, Table>,
      oldDoc: TriggerDoc<Schema, Table>,
    ) => Promise<void>;
    onDelete?: <Ctx extends GenericMutationCtx<DataModel>>(ctx: Ctx, doc: TriggerDoc<Schema, Table>) => Promise<void>;
  };
};
