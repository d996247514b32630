/**
 * The digest convex-test records for stored files.
 */
import { createHash } from "node:crypto";

/**
 * The `sha256` convex-test records in a file's `_storage` document (base64,
 * not hex), which is how the engine matches stored bytes to a committed file.
 *
 * @example
 * fileDigest(new TextEncoder().encode("abc")); // "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
 */
export function fileDigest(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}
