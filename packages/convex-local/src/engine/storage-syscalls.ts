/**
 * File-storage syscalls where convex-test differs from the backend:
 * - `generateUploadUrl` and `getUrl` answer URLs on the deployment's own
 *   origin (`storage-urls.ts`), where convex-test answers a placeholder host;
 * - `storage.getMetadata` (deprecated, still in actions and queries) is
 *   answered, with the hex digest the backend gives it;
 * - `storage.delete` of a missing file throws the backend's
 *   `storage id … not found`;
 * - `storage.store(blob, { sha256 })` in actions checks the digest, and a
 *   non-Blob gets the backend's message.
 */
import { createHash } from "node:crypto";
import { wrapSyscalls, type InternalGlobal } from "./convex-test-internals.ts";
import type { StorageUrls } from "./storage-urls.ts";

type StorageDocument = { _id: string; sha256: string; size: number; contentType?: string };

/**
 * Installs the overrides on one convex-test instance.
 *
 * @example
 * installStorageSyscalls(instance.global, { urls, componentPathOf: currentComponentPath });
 */
export function installStorageSyscalls(
  global: InternalGlobal,
  options: {
    urls: StorageUrls;
    /** The component of the function running now. */
    componentPathOf(asyncSyscall: InternalGlobal["asyncSyscall"]): Promise<string>;
  },
): void {
  const { urls, componentPathOf } = options;
  wrapSyscalls(global, {
    async: (original) => {
      const storageDocument = async (storageId: unknown): Promise<StorageDocument | null> =>
        JSON.parse(
          await original("1.0/get", JSON.stringify({ id: storageId, isSystem: true, table: "_storage" })),
        ) as StorageDocument | null;
      return async (op, jsonArgs) => {
        switch (op) {
          case "1.0/storageGenerateUploadUrl":
            return JSON.stringify(urls.uploadUrl(await componentPathOf(original)));
          case "1.0/storageGetUrl": {
            const answer = JSON.parse(await original(op, jsonArgs)) as string | null;
            if (answer === null) return JSON.stringify(null);
            const { storageId } = JSON.parse(jsonArgs) as { storageId: string };
            return JSON.stringify(urls.fileUrl(await componentPathOf(original), storageId));
          }
          case "1.0/storageGetMetadata": {
            const document = await storageDocument((JSON.parse(jsonArgs) as { storageId: unknown }).storageId);
            if (document === null) return JSON.stringify(null);
            return JSON.stringify({
              storageId: document._id,
              sha256: Buffer.from(document.sha256, "base64").toString("hex"),
              size: document.size,
              contentType: document.contentType ?? null,
            });
          }
          case "1.0/storageDelete": {
            const { storageId } = JSON.parse(jsonArgs) as { storageId: unknown };
            if ((await storageDocument(storageId)) === null)
              throw new Error(`storage id ${String(storageId)} not found`);
            return await original(op, jsonArgs);
          }
          default:
            return await original(op, jsonArgs);
        }
      };
    },
    js: (original) => async (op, args) => {
      if (op !== "storage/storeBlob") return await original(op, args);
      const { blob, options: storeOptions } = args as { blob: unknown; options?: { sha256?: unknown } };
      if (!(blob instanceof Blob)) {
        throw new Error(
          "store() expects a Blob. If you are trying to store a Request, `await request.blob()` will give you the correct input.",
        );
      }
      const expected = storeOptions?.sha256;
      if (expected !== undefined) {
        const actual = createHash("sha256")
          .update(new Uint8Array(await blob.arrayBuffer()))
          .digest("base64");
        if (expected !== actual) throw new Error(`Sha256 mismatch. Expected: ${String(expected)} Actual: ${actual}`);
      }
      return await original(op, args);
    },
  });
}
