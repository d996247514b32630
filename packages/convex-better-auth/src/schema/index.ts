/**
 * Schema generation: Better Auth tables → Convex schema (source or runtime).
 * `auth-options.ts` is deliberately not re-exported: it loads every plugin.
 */
export {
  betterAuthTablesToSpec,
  uniqueFieldsFromSpec,
  ID_FIELD,
  type ExtraIndexes,
  type FieldSpec,
  type SchemaSpec,
  type TableSpec,
  type UniqueField,
} from "./table-spec.ts";
export { widenForLegacyRows } from "./widen-for-legacy-rows.ts";
export { fieldValidator, type ValidatorDescriptor } from "./field-validator.ts";
export { renderSchemaSource, type RenderSchemaOptions } from "./render-schema-source.ts";
export { specToSchema, type SpecSchema } from "./spec-to-schema.ts";
export { COMPOUND_INDEXES } from "./compound-indexes.ts";
