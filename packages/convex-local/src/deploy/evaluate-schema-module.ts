import type { AnalyzedSchema, TableDefinition } from "./push-types.ts";
import { CodedError } from "./coded-error.ts";
import { importUserModule } from "./import-user-module.ts";

const RESERVED_INDEX_NAMES = new Set(["by_id", "by_creation_time"]);
const IDENTIFIER = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const MAX_IDENTIFIER_LENGTH = 64;

/**
 * Imports `schema.js`, reads `default.export()` and applies the backend's
 * push-time schema rules, so a bad schema fails at push time with
 * `InvalidSchema` instead of at the first query.
 *
 * @example
 * ```ts
 * const schema = await evaluateSchemaModule("/data/staging/p1/d0");
 * schema.tables.map((t) => t.tableName); // ["messages"]
 * ```
 */
export async function evaluateSchemaModule(dir: string): Promise<AnalyzedSchema> {
  const namespace = await importUserModule(dir, "schema.js");
  const schema = namespace.default as { export?: () => string } | undefined;
  if (!schema || typeof schema.export !== "function") {
    throw new CodedError("InvalidSchema", "schema.js must have a default export made with `defineSchema`.");
  }
  let parsed: AnalyzedSchema;
  try {
    parsed = JSON.parse(schema.export()) as AnalyzedSchema;
  } catch (error) {
    throw new CodedError("InvalidSchema", `Failed to evaluate schema.js: ${(error as Error).message}`);
  }
  for (const table of parsed.tables) checkTable(table);
  return parsed;
}

function checkTable(table: TableDefinition): void {
  const { tableName } = table;
  if (tableName.startsWith("_")) {
    throw new CodedError("InvalidSchema", `Table names starting with "_" are reserved: "${tableName}".`);
  }
  checkIdentifier(`table name "${tableName}"`, tableName);
  const seen = new Set<string>();
  const all = [
    ...table.indexes,
    ...(table.stagedDbIndexes ?? []),
    ...(table.searchIndexes ?? []),
    ...(table.stagedSearchIndexes ?? []),
    ...(table.vectorIndexes ?? []),
    ...(table.stagedVectorIndexes ?? []),
  ];
  for (const index of all) {
    const name = index.indexDescriptor;
    if (RESERVED_INDEX_NAMES.has(name)) {
      throw new CodedError(
        "InvalidSchema",
        `In table "${tableName}" cannot name an index "${name}" because the name is reserved.`,
      );
    }
    if (name.startsWith("_")) {
      throw new CodedError("InvalidSchema", `In table "${tableName}" index name "${name}" cannot start with "_".`);
    }
    checkIdentifier(`index name "${name}" in table "${tableName}"`, name);
    if (seen.has(name)) {
      throw new CodedError("InvalidSchema", `Duplicate index name "${name}" in table "${tableName}".`);
    }
    seen.add(name);
  }
  for (const index of [...table.indexes, ...(table.stagedDbIndexes ?? [])]) {
    if (index.fields.length === 0) {
      throw new CodedError(
        "InvalidSchema",
        `Index "${tableName}.${index.indexDescriptor}" must have at least one field.`,
      );
    }
    const fields = new Set<string>();
    for (const field of index.fields) {
      if (field === "_id" || field === "_creationTime") {
        throw new CodedError(
          "InvalidSchema",
          `In table "${tableName}" index "${index.indexDescriptor}" cannot index "${field}": it is added to every index automatically.`,
        );
      }
      if (fields.has(field)) {
        throw new CodedError(
          "InvalidSchema",
          `In table "${tableName}" index "${index.indexDescriptor}" has duplicate field "${field}".`,
        );
      }
      fields.add(field);
    }
  }
}

function checkIdentifier(what: string, name: string): void {
  if (!IDENTIFIER.test(name) || name.length > MAX_IDENTIFIER_LENGTH) {
    throw new CodedError(
      "InvalidSchema",
      `Invalid ${what}: identifiers must start with a letter, contain only letters, digits and underscores, and be at most ${MAX_IDENTIFIER_LENGTH} characters.`,
    );
  }
}
