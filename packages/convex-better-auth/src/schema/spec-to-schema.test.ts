import type { TableDefinition } from "convex/server";
import { describe, expect, it } from "vitest";
import { tables as committedTables, uniqueFields } from "../component/schema.ts";
import { bundledSchemaSpec } from "./bundled-schema-spec.ts";
import { specToSchema } from "./spec-to-schema.ts";

const shape = (tables: Record<string, TableDefinition>) =>
  Object.fromEntries(
    Object.entries(tables).map(([name, table]) => [
      name,
      // Validators are plain class instances, so deep equality compares them.
      { indexes: table[" indexes"](), document: table.validator },
    ]),
  );

describe("specToSchema", () => {
  const spec = bundledSchemaSpec();
  const built = specToSchema(spec);

  it("builds the same tables, fields, validators and indexes as the generated module", () => {
    const committed = committedTables as unknown as Record<string, TableDefinition>;
    expect(shape(built.schema.tables)).toEqual(shape(committed));
    expect(Object.keys(built.schema.tables)).toEqual(Object.keys(committed));
  });

  it("returns the same unique fields as the generated module", () => {
    expect(built.uniqueFields).toEqual(uniqueFields);
    expect(built.tables).toBe(built.schema.tables);
  });
});
