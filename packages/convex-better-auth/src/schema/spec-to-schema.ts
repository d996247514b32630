/**
 * Builds a live Convex schema from a {@link SchemaSpec}, for schemas that are
 * only known at runtime (custom Better Auth options, tests).
 */
import {
  defineSchema,
  defineTable,
  type GenericSchema,
  type SchemaDefinition,
  type TableDefinition,
} from "convex/server";
import type { Validator } from "convex/values";
import { buildValidator, fieldValidator } from "./field-validator.ts";
import { type SchemaSpec, type UniqueField, uniqueFieldsFromSpec } from "./table-spec.ts";

/** What {@link specToSchema} returns; mirrors the generated module's exports. */
export type SpecSchema = {
  schema: SchemaDefinition<GenericSchema, true>;
  tables: Record<string, TableDefinition>;
  uniqueFields: Record<string, UniqueField[]>;
};

/**
 * Builds the schema, tables and unique fields the generated module would export.
 *
 * @example
 * ```ts
 * const { schema, uniqueFields } = specToSchema(betterAuthTablesToSpec(getAuthTables(options)));
 * schema.tables.user[" indexes"](); // [{ indexDescriptor: "id", fields: ["id"] }, ...]
 * ```
 */
export function specToSchema(spec: SchemaSpec): SpecSchema {
  const tables: Record<string, TableDefinition> = {};
  for (const [name, table] of Object.entries(spec)) {
    const fields: Record<string, Validator<any, any, any>> = {};
    for (const [field, fieldSpec] of Object.entries(table.fields)) {
      fields[field] = buildValidator(fieldValidator(fieldSpec));
    }
    let definition: TableDefinition = defineTable(fields);
    for (const index of table.indexes) {
      // The index typing wants literal field names; ours are only known at runtime.
      definition = definition.index(index.name, index.fields as [string, ...string[]]);
    }
    tables[name] = definition;
  }
  return {
    schema: defineSchema(tables),
    tables,
    uniqueFields: uniqueFieldsFromSpec(spec),
  };
}
