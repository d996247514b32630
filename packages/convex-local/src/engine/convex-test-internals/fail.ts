/**
 * The one error every convex-test internals check throws, so a convex-test
 * upgrade fails with a message that names what changed.
 */

/**
 * Throws "convex-test internals changed: <what>", naming the convex-test
 * version the engine is written against.
 *
 * @example
 * if (typeof db._nextDocId !== "number") fail("DatabaseFake._nextDocId is not a number");
 */
export function fail(what: string): never {
  throw new Error(`convex-test internals changed: ${what}. convex-local's engine needs convex-test 0.0.70 exactly.`);
}
