/** Absolute paths the bench reads from; everything is relative to this file. */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const SRC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const BENCH_DIR = resolve(SRC_DIR, "..");
export const WORKSPACE_DIR = resolve(BENCH_DIR, "..");
export const PRIOR_ART_DIR = resolve(BENCH_DIR, "prior-art");
export const OURS_PACKAGE_DIR = resolve(WORKSPACE_DIR, "packages/convex-better-auth");
export const OURS_COMPONENT_DIR = resolve(OURS_PACKAGE_DIR, "dist/component");
export const PRIOR_ART_COMPONENT_DIR = resolve(PRIOR_ART_DIR, "node_modules/@convex-dev/better-auth/dist/component");
