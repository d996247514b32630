import { describe, expect, it } from "vitest";
import type { AnalyzedSchema } from "./push-types.ts";
import { indexDiff } from "./index-diff.ts";

const schema = (
  indexes: { indexDescriptor: string; fields: string[] }[],
  staged: typeof indexes = [],
): AnalyzedSchema => ({
  tables: [
    {
      tableName: "messages",
      indexes,
      stagedDbIndexes: staged,
      searchIndexes: [],
      vectorIndexes: [],
      documentType: { type: "any" },
    },
  ],
  schemaValidation: true,
});

describe("indexDiff", () => {
  it("reports added indexes against no previous schema", () => {
    expect(indexDiff(null, schema([{ indexDescriptor: "by_author", fields: ["author"] }]))).toEqual({
      added_indexes: [{ name: "messages.by_author", type: "database", fields: ["author"] }],
      removed_indexes: [],
      enabled_indexes: [],
      disabled_indexes: [],
    });
  });

  it("treats a changed field list as remove + add and staging changes as enable/disable", () => {
    const before = schema([{ indexDescriptor: "a", fields: ["x"] }], [{ indexDescriptor: "b", fields: ["y"] }]);
    const after = schema([
      { indexDescriptor: "a", fields: ["x", "z"] },
      { indexDescriptor: "b", fields: ["y"] },
    ]);
    const diff = indexDiff(before, after);
    expect(diff.removed_indexes.map((i) => i.name)).toEqual(["messages.a"]);
    expect(diff.added_indexes.map((i) => i.name)).toEqual(["messages.a"]);
    expect(diff.enabled_indexes!.map((i) => i.name)).toEqual(["messages.b"]);
  });

  it("reports nothing for an identical schema", () => {
    const same = schema([{ indexDescriptor: "a", fields: ["x"] }]);
    expect(indexDiff(same, same)).toEqual({
      added_indexes: [],
      removed_indexes: [],
      enabled_indexes: [],
      disabled_indexes: [],
    });
  });
});
