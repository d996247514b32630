/**
 * Reading committed files (the `_storage` document and its bytes) outside a
 * transaction, for serving them over HTTP.
 */
import type { InternalDatabase, InternalDocument } from "./types.ts";

/**
 * A committed file of `db`: its `_storage` document and bytes, or null.
 *
 * @example
 * const file = committedFile(db, storageId);
 * if (file) return new Response(file.blob);
 */
export function committedFile(
  db: InternalDatabase,
  storageId: string,
): { document: InternalDocument; blob: Blob } | null {
  const document = db._documents[storageId];
  const blob = db._storage[storageId];
  if (document === undefined || blob === undefined) return null;
  return { document, blob };
}
