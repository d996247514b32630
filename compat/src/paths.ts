/** Absolute paths the compatibility test reads from; all relative to this file. */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const COMPAT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const WORKSPACE_DIR = resolve(COMPAT_DIR, "..");
/** `@convex-dev/better-auth` 0.12.5 with better-auth 1.6, installed by the test script (`npm ci --prefix prior-art`). */
export const PRIOR_ART_NODE_MODULES = join(COMPAT_DIR, "prior-art/node_modules");
/** The workspace's packages: `convex-better-auth` (symlinked), better-auth 1.7, convex 1.49. */
export const WORKSPACE_NODE_MODULES = join(WORKSPACE_DIR, "node_modules");
export const CONVEX_LOCAL_BIN = join(WORKSPACE_DIR, "packages/convex-local/bin/convex-local.js");
/**
 * The guide's Convex code as the guide writes it (app shape A). Not
 * examples/next/convex, which adds OAuth and other finished-app code.
 */
export const GUIDE_APP_DIR = join(WORKSPACE_DIR, "packages/convex-better-auth/src/test-utils/seed-app");
export const FIXTURES_DIR = join(COMPAT_DIR, "fixtures");
