/** Absolute paths the tarball test reads from; all relative to this file. */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const TARBALL_TEST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_DIR = resolve(TARBALL_TEST_DIR, "..");
export const LIBRARY_DIR = join(REPO_DIR, "packages/convex-better-auth");
export const CONVEX_LOCAL_DIR = join(REPO_DIR, "packages/convex-local");
/** The guide's Convex code, copied into the fresh app. */
export const GUIDE_CONVEX_DIR = join(REPO_DIR, "examples/next/convex");
/** Files of the fresh app that are not the guide's: client scripts and a vitest test. */
export const FIXTURE_APP_DIR = join(TARBALL_TEST_DIR, "fixtures/app");
/** The repository's `attw` (root devDependency). */
export const ATTW_BIN = join(REPO_DIR, "node_modules/.bin/attw");
