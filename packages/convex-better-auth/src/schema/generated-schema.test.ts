// @vitest-environment node
// The generator reads package versions and file paths through node:fs/module.
import { readFileSync } from "node:fs";
import { getAuthTables } from "better-auth/db";
import { describe, expect, it } from "vitest";
import { GENERATE_COMMAND, SCHEMA_PATH, generateSchemaSource } from "../../scripts/generate-schema.ts";
import schema, { tables, uniqueFields } from "../component/schema.ts";
import { schemaAuthOptions } from "./auth-options.ts";
import { COMPOUND_INDEXES } from "./compound-indexes.ts";
import { transactionTables } from "../component-api/transaction-tables.ts";

const authTables = getAuthTables(schemaAuthOptions);
const committed = tables as unknown as Record<string, (typeof tables)["user"]>;

const indexesOf = (table: string): { indexDescriptor: string; fields: string[] }[] => committed[table]![" indexes"]();
const fieldsOf = (table: string): string[] => Object.keys(committed[table]!.validator.fields);

describe("committed src/component/schema.ts", () => {
  it("matches the generator output byte for byte", () => {
    const fresh = generateSchemaSource();
    const onDisk = readFileSync(SCHEMA_PATH, "utf8");
    expect(onDisk === fresh, `schema.ts is stale: run \`${GENERATE_COMMAND}\``).toBe(true);
  });

  it("has every Better Auth table and field under physical names, plus id", () => {
    for (const table of Object.values(authTables)) {
      expect(committed, table.modelName).toHaveProperty(table.modelName);
      const expected = ["id", ...Object.entries(table.fields).map(([key, f]) => f.fieldName ?? key)];
      expect(fieldsOf(table.modelName).sort()).toEqual(expected.sort());
    }
    expect(Object.keys(committed).sort()).toEqual(
      Object.values(authTables)
        .map((t) => t.modelName)
        .sort(),
    );
  });

  it("indexes id, unique, reference, index and sortable fields, and table indexes", () => {
    for (const table of Object.values(authTables)) {
      const indexes = indexesOf(table.modelName);
      expect(indexes).toContainEqual({ indexDescriptor: "id", fields: ["id"] });
      for (const [key, field] of Object.entries(table.fields)) {
        if (!(field.unique || field.references || field.index || field.sortable)) continue;
        const physical = field.fieldName ?? key;
        expect(
          indexes.some((i) => i.fields[0] === physical),
          `${table.modelName}.${physical} has no leading index`,
        ).toBe(true);
      }
      for (const index of table.indexes ?? []) {
        const physical = index.fields.map((f) => table.fields[f]!.fieldName ?? f);
        expect(indexes.map((i) => i.fields)).toContainEqual(physical);
      }
    }
  });

  it("covers the plugin-specific fields and tables", () => {
    expect(fieldsOf("jwks")).toEqual(expect.arrayContaining(["alg", "crv"]));
    expect(fieldsOf("team")).toContain("memberCount");
    expect(fieldsOf("twoFactor")).toEqual(expect.arrayContaining(["failedVerificationCount", "lockedUntil"]));
    expect(fieldsOf("passkey")).toEqual(expect.arrayContaining(["credentialID", "userId"]));
    expect(fieldsOf("apikey")).toEqual(expect.arrayContaining(["key", "referenceId"]));
    expect(fieldsOf("rateLimit")).toEqual(expect.arrayContaining(["key", "lastRequest"]));
  });

  it("has every curated compound index, and names only existing models", () => {
    for (const [model, indexes] of Object.entries(COMPOUND_INDEXES)) {
      const table = authTables[model];
      expect(table, `COMPOUND_INDEXES names unknown model "${model}"`).toBeDefined();
      for (const fields of indexes) {
        const physical = fields.map((f) => (f === "id" ? f : (table!.fields[f]!.fieldName ?? f)));
        expect(indexesOf(table!.modelName).map((i) => i.fields)).toContainEqual(physical);
      }
    }
  });

  it("uses valid, unique, non-reserved index names within Convex limits", () => {
    for (const table of Object.keys(committed)) {
      const names = indexesOf(table).map((i) => i.indexDescriptor);
      expect(new Set(names).size, table).toBe(names.length);
      expect(names.length).toBeLessThanOrEqual(32);
      for (const name of names) {
        expect(["by_id", "by_creation_time"]).not.toContain(name);
        expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,63}$/);
      }
      const fieldLists = indexesOf(table).map((i) => i.fields.join(","));
      expect(new Set(fieldLists).size, `${table} has a duplicate index`).toBe(fieldLists.length);
      for (const index of indexesOf(table)) expect(index.fields.length).toBeLessThanOrEqual(16);
    }
  });

  it("lists unique fields for every table, id first", () => {
    expect(Object.keys(uniqueFields).sort()).toEqual(Object.keys(committed).sort());
    for (const fields of Object.values(uniqueFields)) expect(fields[0]).toBe("id");
    expect(uniqueFields.user).toEqual(["id", "email", "username", "phoneNumber"]);
    expect(uniqueFields.session).toEqual(["id", "token"]);
  });

  it("default export is the schema of `tables` plus the transaction bookkeeping tables", () => {
    expect(Object.keys(schema.tables).sort()).toEqual(
      [...Object.keys(committed), ...Object.keys(transactionTables)].sort(),
    );
  });
});
