import { createHash } from "node:crypto";

/**
 * The CLI's module hash: SHA-256 over the source followed by the source map
 * (or nothing). `get_config_hashes` must report exactly this value or the CLI
 * re-uploads every module.
 *
 * @example
 * ```ts
 * moduleHash("export const a = 1;", null); // "5f0c…"
 * ```
 */
export function moduleHash(source: string, sourceMap: string | null | undefined): string {
  return createHash("sha256")
    .update(source)
    .update(sourceMap ?? "")
    .digest("hex");
}
