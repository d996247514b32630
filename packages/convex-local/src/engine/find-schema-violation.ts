/**
 * Checks persisted documents against a schema before a push switches to it,
 * using convex-test's own document validator.
 */
import { convexToJson, type Value } from "convex/values";
import {
  createValidationDatabase,
  databaseSchema,
  validateDocument,
  validatorProbe,
  type InternalDatabase,
  type ValidatorJson,
} from "./convex-test-internals.ts";
import type { StoredDocument } from "./engine-store.ts";
import type { SchemaViolation } from "./types.ts";

type ObjectField = { fieldType: ValidatorJson; optional: boolean };

function validationError(db: InternalDatabase, tableName: string, fields: Record<string, unknown>): string | null {
  try {
    validateDocument(db, tableName, fields);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

// convex-test's type-mismatch messages don't name the field; find it by
// checking each top-level field of an object validator on its own.
function failingField(documentType: ValidatorJson | undefined, fields: Record<string, unknown>): string | null {
  if (documentType?.type !== "object" || typeof documentType.value !== "object" || documentType.value === null)
    return null;
  for (const [name, field] of Object.entries(documentType.value as Record<string, ObjectField>)) {
    if (fields[name] === undefined) continue;
    const probe = validatorProbe({ type: "object", value: { [name]: field } });
    if (validationError(probe, "probe", { [name]: fields[name] }) !== null) return name;
  }
  return null;
}

/**
 * The first document of `documents` that doesn't fit `schema` (the default
 * export of a pushed `schema.js`), or null. System tables and tables the
 * schema doesn't declare are not checked, and nothing is when the schema
 * turns `schemaValidation` off.
 *
 * @example
 * findSchemaViolation("", schema, store.documents(""));
 * // { componentPath: "", tableName: "messages", error: 'Schema validation failed.\nDocument with ID "…" in table "messages" …' }
 */
export function findSchemaViolation(
  componentPath: string,
  schema: unknown,
  documents: Iterable<StoredDocument>,
): SchemaViolation | null {
  if (schema === null || schema === undefined) return null;
  const db = createValidationDatabase(schema);
  const tables = databaseSchema(db);
  if (tables === null || !tables.schemaValidation) return null;
  for (const { tableName, id, document } of documents) {
    if (tableName.startsWith("_") || !tables.tables.has(tableName)) continue;
    const { _id, _creationTime, ...fields } = document;
    const error = validationError(db, tableName, fields);
    if (error === null) continue;
    const field = failingField(tables.tables.get(tableName)?.documentType, fields);
    const detail = field !== null && !error.includes(`\`${field}\``) ? `Field \`${field}\`: ${error}` : error;
    return {
      componentPath,
      tableName,
      error:
        `Schema validation failed.\n` +
        `Document with ID "${id}" in table "${tableName}" does not match the schema: ${detail}\n\n` +
        `Object: ${JSON.stringify(convexToJson(document as Value))}`,
    };
  }
  return null;
}
