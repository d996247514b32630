import type { AnalyzedSchema, DeveloperIndexConfig, IndexDiff } from "./push-types.ts";

/**
 * Every index of a schema in the CLI's `DeveloperIndexConfig` form
 * (`table.index` names; staged ones flagged).
 *
 * @example
 * ```ts
 * developerIndexes(schema); // [{ name: "messages.by_author", type: "database", fields: ["author"] }]
 * ```
 */
export function developerIndexes(schema: AnalyzedSchema | null): DeveloperIndexConfig[] {
  if (!schema) return [];
  const out: DeveloperIndexConfig[] = [];
  for (const table of schema.tables) {
    const name = (descriptor: string) => `${table.tableName}.${descriptor}`;
    const staged = (flag: boolean) => (flag ? { staged: true } : {});
    for (const [indexes, isStaged] of [
      [table.indexes, false],
      [table.stagedDbIndexes ?? [], true],
    ] as const) {
      for (const i of indexes)
        out.push({ name: name(i.indexDescriptor), type: "database", fields: i.fields, ...staged(isStaged) });
    }
    for (const [indexes, isStaged] of [
      [table.searchIndexes ?? [], false],
      [table.stagedSearchIndexes ?? [], true],
    ] as const) {
      for (const i of indexes) {
        out.push({
          name: name(i.indexDescriptor),
          type: "search",
          searchField: i.searchField,
          filterFields: i.filterFields,
          ...staged(isStaged),
        });
      }
    }
    for (const [indexes, isStaged] of [
      [table.vectorIndexes ?? [], false],
      [table.stagedVectorIndexes ?? [], true],
    ] as const) {
      for (const i of indexes) {
        out.push({
          name: name(i.indexDescriptor),
          type: "vector",
          vectorField: i.vectorField,
          dimensions: i.dimensions ?? 0,
          filterFields: i.filterFields,
          ...staged(isStaged),
        });
      }
    }
  }
  return out;
}

/**
 * The index changes between the committed and the pushed schema of one
 * component instance: what the CLI prints as "Added table indexes" /
 * "Deleted table indexes" after a push.
 *
 * @example
 * ```ts
 * indexDiff(null, schema).added_indexes.map((i) => i.name); // ["messages.by_author"]
 * ```
 */
export function indexDiff(previous: AnalyzedSchema | null, next: AnalyzedSchema | null): IndexDiff {
  const before = new Map(developerIndexes(previous).map((i) => [i.name, i]));
  const after = new Map(developerIndexes(next).map((i) => [i.name, i]));
  const diff: Required<IndexDiff> = {
    added_indexes: [],
    removed_indexes: [],
    enabled_indexes: [],
    disabled_indexes: [],
  };
  for (const [name, index] of after) {
    const old = before.get(name);
    if (!old || shape(old) !== shape(index)) {
      if (old) diff.removed_indexes.push(old);
      diff.added_indexes.push(index);
    } else if (Boolean(old.staged) !== Boolean(index.staged)) {
      (index.staged ? diff.disabled_indexes : diff.enabled_indexes).push(index);
    }
  }
  for (const [name, index] of before) {
    if (!after.has(name)) diff.removed_indexes.push(index);
  }
  return diff;
}

/** Identity of an index ignoring whether it is staged. */
function shape(index: DeveloperIndexConfig): string {
  const { staged: _staged, ...rest } = index;
  return JSON.stringify(rest);
}
