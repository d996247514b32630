/**
 * Real (in-memory, sorted) indexes for convex-test's database, from
 * convex-local's engine (`packages/convex-local/src/engine/index-accelerator.ts`),
 * which answers its own index reads the same way.
 *
 * Why: convex-test 0.0.70 has no indexes; every `withIndex` range visits the
 * whole table, which at 100,000 users makes an index lookup ~200× slower
 * than `db.get` and paging a table quadratic — no real deployment does that.
 * The accelerator changes only how long answering takes, never which
 * documents a query returns, in which order, or what the transaction metrics
 * count. `setEngineVerification(true)` re-answers every accelerated query the
 * stock way and throws on any difference; the sanity pass runs with it on.
 *
 * Both sides run on the same patched engine: the patch is on convex-test's
 * `DatabaseFake` prototype, shared by every instance in the process (the
 * workspace has one convex-test, which convex-local also resolves).
 */
export {
  indexAcceleratorStats as engineStats,
  installIndexAccelerator,
  setIndexVerification as setEngineVerification,
} from "convex-local/index-accelerator";
