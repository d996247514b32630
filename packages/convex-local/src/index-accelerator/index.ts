/**
 * convex-local/index-accelerator: sorted in-memory indexes for a convex-test
 * instance, the ones convex-local's engine uses, for tools (the benchmarks)
 * that drive convex-test directly.
 *
 * @example
 * ```ts
 * import { installIndexAccelerator } from "convex-local/index-accelerator";
 * installIndexAccelerator();
 * ```
 * @module
 */
export {
  indexAcceleratorStats,
  installIndexAccelerator,
  setIndexVerification,
  type IndexAcceleratorStats,
} from "../engine/index-accelerator.ts";
