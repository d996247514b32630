import type { GenericSchema, SchemaDefinition } from "convex/server";
import { convexBetterAuthError } from "../shared/errors.js";
import { isTransactionTable } from "./transaction-tables.js";

/** One index of a table, without Convex's implicit trailing `_creationTime`. */
export type IndexInfo = { name: string; fields: string[] };

/** What the component functions need to know about one table. */
export type TableInfo = {
  name: string;
  fields: Set<string>;
  indexes: IndexInfo[];
  uniqueFields: string[];
  /** Field lists unique together, in the order of the index that leads with them. */
  uniqueTogether: { fields: string[]; index?: string }[];
  /** The table's document validator, for coded errors before Convex's own check. */
  validator: unknown;
  /**
   * The index on a stored `id` field, when the table has one: rows whose
   * Better Auth id was chosen (`generateId`, `forceAllowId`) keep it there.
   * Without it every Better Auth id is the row's Convex `_id`.
   */
  idIndex?: string;
};

/** Table name → its {@link TableInfo}. */
export type SchemaInfo = Map<string, TableInfo>;

type TableDefinitionLike = {
  validator: { kind?: string; fields?: Record<string, unknown> };
  " indexes"?: () => { indexDescriptor: string; fields: string[] }[];
};

/**
 * Per table, the fields whose values must be unique; an entry that is a list
 * names fields unique together (a compound unique index).
 */
export type UniqueFields = Readonly<Record<string, readonly (string | readonly string[])[]>>;

/**
 * Reads tables, fields and indexes from a Convex schema. This is the only
 * place that touches `TableDefinition[" indexes"]()`, which Convex marks
 * experimental; a test pins its shape.
 *
 * @example
 * ```ts
 * const info = describeSchema(schema, { user: ["email"], oauthClientResource: [["clientId", "resourceId"]] });
 * info.get("user")?.indexes; // [{ name: "email", fields: ["email"] }, …]
 * ```
 */
export function describeSchema(
  schema: SchemaDefinition<GenericSchema, boolean>,
  uniqueFields: UniqueFields,
): SchemaInfo {
  const info: SchemaInfo = new Map();
  for (const [name, table] of Object.entries(schema.tables as Record<string, TableDefinitionLike>)) {
    // Transaction bookkeeping is not a Better Auth model; adapter calls must not reach it.
    if (isTransactionTable(name)) continue;
    const listIndexes = table[" indexes"];
    if (typeof listIndexes !== "function") {
      throw new Error(
        "convex-better-auth: this version of `convex` does not expose table indexes " +
          '(TableDefinition[" indexes"]). Use the convex version this package pins.',
      );
    }
    const allIndexes = listIndexes.call(table).map((index) => ({
      name: index.indexDescriptor,
      fields: index.fields.filter((field) => field !== "_creationTime"),
    }));
    const fields = new Set(Object.keys(table.validator.fields ?? {}));
    const entries = uniqueFields[name] ?? [];
    const unique = new Set(["id", ...entries.filter((entry) => typeof entry === "string")]);
    // Lookups by id go through `_id` first, then this index; the planner
    // never ranges over it, since rows without a stored id are not in it.
    const idIndex = fields.has("id") ? allIndexes.find((index) => index.fields[0] === "id") : undefined;
    if (fields.has("id") && !idIndex) {
      throw new Error(
        `convex-better-auth: table "${name}" has an \`id\` field but no index on it. ` +
          'Add `.index("id", ["id"])`, or remove the field to use Convex `_id`s as Better Auth ids.',
      );
    }
    info.set(name, {
      name,
      fields,
      indexes: allIndexes.filter((index) => index.fields[0] !== "id"),
      uniqueFields: [...unique].filter((field) => fields.has(field)),
      uniqueTogether: entries
        .filter((entry) => typeof entry !== "string")
        .map((together) => leadingIndex(allIndexes, together)),
      validator: table.validator,
      idIndex: idIndex?.name,
    });
  }
  return info;
}

/**
 * The index whose leading fields are exactly `together` (any order), which
 * serves the uniqueness check, and those fields in the index's order.
 * Without one (a hand-written local schema) the check filters the table, as
 * it does for a single unique field without an index.
 */
function leadingIndex(indexes: IndexInfo[], together: readonly string[]): { fields: string[]; index?: string } {
  const wanted = [...together].sort().join("\0");
  const index = indexes.find((candidate) => candidate.fields.slice(0, together.length).sort().join("\0") === wanted);
  return index ? { fields: index.fields.slice(0, together.length), index: index.name } : { fields: [...together] };
}

/** The table's info, or the coded `UNKNOWN_MODEL` error. */
export function requireTable(info: SchemaInfo, model: string): TableInfo {
  const table = info.get(model);
  if (!table) {
    throw convexBetterAuthError(
      "UNKNOWN_MODEL",
      `Unknown model "${model}". The component's schema has: ${[...info.keys()].join(", ")}. ` +
        "Plugins that add tables need them in the schema (createApi with your own schema).",
      { model },
    );
  }
  return table;
}

/** Throws the coded `UNKNOWN_FIELD` error for the first field the table lacks. */
export function requireFields(table: TableInfo, fields: Iterable<string>): void {
  for (const field of fields) {
    if (field === "_id" || field === "_creationTime" || field === "id") continue;
    if (!table.fields.has(field)) {
      throw convexBetterAuthError("UNKNOWN_FIELD", `Unknown field "${field}" on model "${table.name}".`, {
        model: table.name,
        field,
      });
    }
  }
}
