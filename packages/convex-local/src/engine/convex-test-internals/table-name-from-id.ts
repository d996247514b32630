/**
 * Reading the table out of a convex-test document id.
 */

/**
 * The table of a convex-test document id (`<counter><table>`), or null.
 *
 * @example
 * tableNameFromId("000000000000000000010000messages"); // "messages"
 */
export function tableNameFromId(id: string): string | null {
  const match = /^[0-9]+/.exec(id);
  if (match === null || match[0].length === id.length) return null;
  return id.slice(match[0].length);
}
