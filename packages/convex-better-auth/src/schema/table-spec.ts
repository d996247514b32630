/**
 * Turns Better Auth's `getAuthTables` output into a database-neutral
 * description of the component's tables (physical names, field types, indexes).
 * Pure: only type imports from better-auth, so runtime code may use it.
 */
import type { BetterAuthDBSchema, DBFieldAttribute } from "better-auth/db";

/** A Better Auth field, reduced to what the Convex schema needs. */
export type FieldSpec = {
  type: "string" | "number" | "boolean" | "date" | "json" | "string[]" | "number[]" | "enum";
  required: boolean;
  unique: boolean;
  /** An optional field that Better Auth never sets to null (default: it may). */
  nullable?: false;
  /**
   * Other value types the field also stores: rows an older shape of the same
   * table wrote (see `widenForLegacyRows`).
   */
  alsoAccepts?: FieldSpec["type"][];
};

/** One table: fields and indexes keyed by physical names. */
export type TableSpec = {
  fields: Record<string, FieldSpec>;
  indexes: { name: string; fields: string[] }[];
  /**
   * Field lists whose values must be unique together (a compound unique
   * index, e.g. `[clientId, resourceId]`); an index leads with each list.
   */
  uniqueTogether?: string[][];
};

/** All tables, keyed by physical table name. */
export type SchemaSpec = Record<string, TableSpec>;

/**
 * Extra compound indexes, keyed by logical model key or physical table name,
 * each index a list of logical field names (`id` allowed).
 */
export type ExtraIndexes = Record<string, string[][]>;

/**
 * A chosen Better Auth id (`generateId`, `forceAllowId`), stored next to
 * Convex's `_id`; the index shares its name. Optional: a row without it has
 * its `_id` as Better Auth id, the way `@convex-dev/better-auth` stores rows.
 */
export const ID_FIELD = "id";

const RESERVED_INDEX_NAMES = new Set(["by_id", "by_creation_time"]);
const MAX_INDEXES_PER_TABLE = 32;
const MAX_FIELDS_PER_INDEX = 16;
const MAX_INDEX_NAME_LENGTH = 64;
const INDEX_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Builds the component's schema description from Better Auth's tables.
 *
 * Adds the optional `id` field and its index to every table, and indexes every field Better
 * Auth looks rows up by (unique, references, `index`, `sortable`, table-level
 * `indexes`) plus `extraIndexes` (skipping those on models or fields the
 * tables lack). Identical field lists are emitted once.
 *
 * @example
 * ```ts
 * import { getAuthTables } from "better-auth/db";
 * const spec = betterAuthTablesToSpec(getAuthTables(options), {
 *   verification: [["identifier", "createdAt"]],
 * });
 * spec.verification.indexes; // [{ name: "id", fields: ["id"] }, ...]
 * ```
 */
export function betterAuthTablesToSpec(tables: BetterAuthDBSchema, extraIndexes: ExtraIndexes = {}): SchemaSpec {
  const builders = new Map<string, TableBuilder>();
  for (const table of Object.values(tables)) {
    // Better Auth's own migrations skip these: the app owns the table.
    if (table.disableMigrations) continue;
    const physical = table.modelName;
    const builder = builders.get(physical) ?? new TableBuilder(physical);
    builders.set(physical, builder);
    builder.addTable(table);
  }
  for (const [model, indexes] of Object.entries(extraIndexes)) {
    // Unknown models are skipped so one curated list fits any plugin subset.
    const builder = builders.get(tables[model]?.modelName ?? model);
    if (!builder) continue;
    for (const fields of indexes) {
      // Likewise fields another plugin adds (user.stripeCustomerId).
      if (!fields.every((f) => builder.hasField(f))) continue;
      builder.addIndex(fields.map((f) => builder.physicalField(f)));
    }
  }
  return Object.fromEntries([...builders].map(([name, b]) => [name, b.build()]));
}

/**
 * One entry of a table's unique list: a field whose values must be unique,
 * or a list of fields whose values must be unique together.
 */
export type UniqueField = string | readonly string[];

/**
 * Lists, per table, the fields whose values must be unique (always `id`),
 * then the field lists that must be unique together.
 *
 * @example
 * ```ts
 * uniqueFieldsFromSpec(spec).user; // ["id", "email", "username", "phoneNumber"]
 * uniqueFieldsFromSpec(spec).oauthClientResource; // ["id", ["clientId", "resourceId"]]
 * ```
 */
export function uniqueFieldsFromSpec(spec: SchemaSpec): Record<string, UniqueField[]> {
  return Object.fromEntries(
    Object.entries(spec).map(([table, { fields, uniqueTogether }]) => [
      table,
      [...Object.keys(fields).filter((name) => fields[name]!.unique), ...(uniqueTogether ?? [])],
    ]),
  );
}

/** Accumulates one physical table (several logical keys may share it). */
class TableBuilder {
  private readonly fields: Record<string, FieldSpec> = {
    [ID_FIELD]: { type: "string", required: false, unique: true, nullable: false },
  };
  private readonly indexes: { name: string; fields: string[] }[] = [];
  private readonly uniqueTogether: string[][] = [];
  private readonly logicalToPhysical = new Map([[ID_FIELD, ID_FIELD]]);
  private readonly table: string;

  constructor(table: string) {
    this.table = table;
    this.addIndex([ID_FIELD]);
  }

  addTable(table: BetterAuthDBSchema[string]): void {
    for (const [key, field] of Object.entries(table.fields)) {
      const physical = field.fieldName ?? key;
      if (physical.startsWith("_") || physical === ID_FIELD) {
        throw new Error(`${this.table}.${physical}: field name is reserved.`);
      }
      this.logicalToPhysical.set(key, physical);
      this.fields[physical] = toFieldSpec(field);
      if (field.unique || field.references || field.index || field.sortable) {
        this.addIndex([physical]);
      }
    }
    for (const index of table.indexes ?? []) {
      const fields = index.fields.map((f) => this.physicalField(f));
      // Plugins rely on the constraint (oauth-provider turns a clash on
      // [clientId, resourceId] into "already linked"); the component checks
      // it on every write through the index added here.
      if (index.unique && fields.length > 1) this.addUniqueTogether(fields);
      else if (index.unique) this.fields[fields[0]!]!.unique = true;
      this.addIndex(fields);
    }
  }

  private addUniqueTogether(fields: string[]): void {
    const key = [...fields].sort().join("\0");
    if (this.uniqueTogether.some((existing) => [...existing].sort().join("\0") === key)) return;
    this.uniqueTogether.push(fields);
  }

  hasField(logical: string): boolean {
    return this.logicalToPhysical.has(logical);
  }

  physicalField(logical: string): string {
    const physical = this.logicalToPhysical.get(logical);
    if (!physical) throw new Error(`${this.table}: unknown field "${logical}" in index.`);
    return physical;
  }

  addIndex(fields: string[]): void {
    if (this.indexes.some((i) => i.fields.join("\0") === fields.join("\0"))) return;
    const name = fields.join("_");
    const fail = (problem: string): never => {
      throw new Error(`${this.table}: index "${name}" ${problem}.`);
    };
    if (RESERVED_INDEX_NAMES.has(name)) fail("is reserved by Convex");
    if (!INDEX_NAME_PATTERN.test(name) || name.length > MAX_INDEX_NAME_LENGTH) {
      fail("is not a valid Convex index name");
    }
    // e.g. ["a_b"] and ["a", "b"] would both be named "a_b".
    if (this.indexes.some((i) => i.name === name)) fail("names two different field lists");
    if (fields.length > MAX_FIELDS_PER_INDEX) fail(`has over ${MAX_FIELDS_PER_INDEX} fields`);
    if (this.indexes.length >= MAX_INDEXES_PER_TABLE) {
      fail(`exceeds the ${MAX_INDEXES_PER_TABLE}-index table limit`);
    }
    this.indexes.push({ name, fields });
  }

  build(): TableSpec {
    return {
      fields: this.fields,
      indexes: this.indexes,
      ...(this.uniqueTogether.length > 0 ? { uniqueTogether: this.uniqueTogether } : {}),
    };
  }
}

function toFieldSpec(field: DBFieldAttribute): FieldSpec {
  return {
    type: Array.isArray(field.type) ? "enum" : field.type,
    // Better Auth defaults `required` to true (its migrations add NOT NULL
    // unless `required === false`), so only an explicit false is optional.
    required: field.required !== false,
    unique: field.unique === true,
  };
}
