import type { BetterAuthOptions } from "better-auth";
import { getAuthTables } from "better-auth/db";
import type { GenericSchema, SchemaDefinition } from "convex/server";
import { createComponentApi } from "../component-api/create-api.js";

/**
 * Builds the component functions for a component folder of your own (a
 * "local install"), over your schema. Better Auth's options tell which fields
 * are unique; the schema's indexes drive the query planner.
 *
 * @param schema Your component's `defineSchema(...)`: one table per Better
 *   Auth model (a row's Better Auth id is its Convex `_id`; an optional
 *   `id` string field with an `id` index also stores chosen ids, for
 *   `advanced.database.generateId`), plus `...transactionTables` for atomic
 *   Better Auth transactions (then export the three transaction functions
 *   from this `adapter` module too: the expiry job is scheduled as
 *   `adapter:expireTransaction`). A schema written for
 *   `@convex-dev/better-auth` works as it is.
 * @param createAuthOptions Returns the Better Auth options your app uses
 *   (called once, with an empty ctx, to read the tables).
 * @example
 * ```ts
 * // convex/betterAuth/adapter.ts
 * import { createApi } from "convex-better-auth";
 * import schema from "./schema";
 * import { createAuthOptions } from "../auth";
 *
 * export const {
 *   create, findOne, findMany, count, updateOne, updateMany, deleteOne,
 *   deleteMany, consumeOne, incrementOne, getSession, getAuthUser,
 *   commitTransaction, rollbackTransaction, expireTransaction,
 * } = createApi(schema, createAuthOptions);
 * ```
 */
export function createApi(
  schema: SchemaDefinition<GenericSchema, boolean>,
  createAuthOptions: (ctx: any) => BetterAuthOptions,
) {
  return createComponentApi(schema, { uniqueFields: uniqueFieldsOf(createAuthOptions({})) });
}

/**
 * The unique fields Better Auth declares for `options`, per physical table:
 * unique fields, single-field unique indexes, and compound unique indexes
 * (a list of fields unique together, e.g. oauth-provider's
 * `[clientId, resourceId]`). `id` is always unique and not listed.
 *
 * @example
 * ```ts
 * uniqueFieldsOf({ emailAndPassword: { enabled: true } }).user; // ["email"]
 * ```
 */
export function uniqueFieldsOf(options: BetterAuthOptions): Record<string, (string | string[])[]> {
  const uniqueFields: Record<string, (string | string[])[]> = {};
  for (const table of Object.values(getAuthTables(options))) {
    const physical = (name: string) => table.fields[name]?.fieldName ?? name;
    const unique = (table.indexes ?? []).filter((index) => index.unique);
    uniqueFields[table.modelName] = [
      ...Object.entries(table.fields)
        .filter(([, field]) => field.unique)
        .map(([name]) => physical(name)),
      // Table-level unique indexes: deviceCode's, and compound ones such as
      // oauth-provider's [clientId, resourceId] (a list: unique together).
      ...unique.filter((index) => index.fields.length === 1).map((index) => physical(index.fields[0]!)),
      ...unique.filter((index) => index.fields.length > 1).map((index) => index.fields.map(physical)),
    ];
  }
  return uniqueFields;
}
