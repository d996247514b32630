/**
 * Checking documents against a schema with convex-test's own validator, and
 * reading the schema a database validates against.
 */
import { createTestInstance } from "./create-test-instance.ts";
import { fail } from "./fail.ts";
import type { InternalDatabase } from "./types.ts";

/**
 * A database with `schema`, used only to check documents against it with
 * convex-test's own validator.
 *
 * @example
 * const probe = createValidationDatabase(schema);
 * validateDocument(probe, "messages", { body: "hi" }); // throws "Validator error: …"
 */
export function createValidationDatabase(schema: unknown): InternalDatabase {
  const probe = createTestInstance(schema, { "/probe/_generated/api.js": async () => ({}) });
  const root = probe.global.components[""];
  if (root === undefined) fail('`components[""]` is missing');
  return root.db;
}

/**
 * Throws convex-test's validation error when `fields` (a document without
 * `_id`/`_creationTime`) doesn't fit the table's schema.
 *
 * @example
 * validateDocument(db, "messages", { body: "hi" });
 */
export function validateDocument(db: InternalDatabase, tableName: string, fields: Record<string, unknown>): void {
  db._validate(tableName, fields);
}

/** The schema convex-test keeps per table: exported validator JSON. */
export type InternalTableSchema = { documentType: ValidatorJson };
/** Convex validator JSON (`Validator.json`). */
export type ValidatorJson = { type: string; value?: unknown; [key: string]: unknown };

/**
 * The schema a database validates against, as convex-test stores it.
 *
 * @example
 * databaseSchema(db)?.tables.get("messages")?.documentType;
 */
export function databaseSchema(
  db: InternalDatabase,
): { schemaValidation: boolean; tables: Map<string, InternalTableSchema> } | null {
  return db._schema as { schemaValidation: boolean; tables: Map<string, InternalTableSchema> } | null;
}

/**
 * A database whose single table `probe` has `documentType`, to validate a
 * value against a sub-validator with convex-test's validator.
 *
 * @example
 * validateDocument(validatorProbe({ type: "object", value: { n: { fieldType: { type: "number" }, optional: false } } }), "probe", { n: 1 });
 */
export function validatorProbe(documentType: ValidatorJson): InternalDatabase {
  const table = { export: () => ({ documentType, indexes: [], searchIndexes: [], vectorIndexes: [] }) };
  return createValidationDatabase({ schemaValidation: true, tables: { probe: table } });
}
