import { readFileSync } from "node:fs";

/**
 * The installed package's version, read from its package.json at run time
 * (one level above both `src/` and `dist/`), so `--version` and `GET /version`
 * cannot drift from what npm installed.
 *
 * @example
 * ```ts
 * console.log(`convex-local ${packageVersion()}`);
 * ```
 */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
  if (typeof pkg.version !== "string") throw new Error("package.json has no version");
  return pkg.version;
}
