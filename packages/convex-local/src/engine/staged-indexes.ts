/**
 * Staged indexes (`.index(name, { fields, staged: true })`,
 * `.searchIndex(name, { …, staged: true })`): the push creates them but
 * Convex refuses queries on them until they are enabled. convex-test knew
 * nothing of them: a staged database index failed with its own "not
 * declared in the schema" text and a staged search index answered.
 */
import { databaseSchema, type InternalDatabase, type InternalQuerySource } from "./convex-test-internals.ts";

/** The staged index lists of a table, as `TableDefinition.export()` writes them. */
type StagedIndexLists = {
  stagedDbIndexes?: { indexDescriptor: string }[];
  stagedSearchIndexes?: { indexDescriptor: string }[];
};

/**
 * The backend's `IndexStagedError` message for a query source on a staged
 * index of `db`'s schema, or null when the source may be read.
 *
 * @example
 * stagedIndexError(db, { type: "IndexRange", indexName: "notes.by_text", range: [] });
 * // "Index notes.by_text is currently staged and not available to query until it is enabled."
 */
export function stagedIndexError(db: InternalDatabase, source: InternalQuerySource): string | null {
  if (source.type === "FullTableScan") return null;
  const [tableName, indexName] = source.indexName.split(".");
  const table = databaseSchema(db)?.tables.get(tableName ?? "") as StagedIndexLists | undefined;
  const staged = source.type === "Search" ? table?.stagedSearchIndexes : table?.stagedDbIndexes;
  if (!staged?.some((index) => index.indexDescriptor === indexName)) return null;
  return `Index ${source.indexName} is currently staged and not available to query until it is enabled.`;
}
