/**
 * The URLs of file storage on the deployment's own origin, as the backend
 * hands them out:
 * - `generateUploadUrl()`: `<cloud>/api/storage/upload?token=<token>`, the
 *   token naming the component and valid for an hour;
 * - `getUrl()`: `<cloud>/api/storage/<uuid>` (`?component=<path>` for a
 *   component's file), the uuid unguessable but fixed per file, so the same
 *   file keeps its URL across calls and restarts.
 *
 * Both are HMACs under a per-deployment secret kept in the engine store.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { CodedError } from "../deploy/coded-error.ts";

/** How long an upload URL is valid on Convex (`STORE_FILE_AUTHORIZATION_VALIDITY`). */
export const UPLOAD_URL_VALIDITY_MS = 60 * 60 * 1000;

/** What an upload token carries. */
type UploadClaims = { c: string; t: number };

/** Makes and checks file-storage URLs of one deployment. */
export type StorageUrls = {
  /** A fresh upload URL for a file of `componentPath`. */
  uploadUrl(componentPath: string): string;
  /** The component an upload token was issued for; throws the backend's 401s. */
  verifyUploadToken(token: string | null): string;
  /** The uuid in a file's URL. */
  fileUuid(componentPath: string, storageId: string): string;
  /** The URL `storage.getUrl` answers for a file. */
  fileUrl(componentPath: string, storageId: string): string;
};

/**
 * A new secret for {@link createStorageUrls} (hex), to persist.
 *
 * @example
 * store.writeMeta("storage_url_secret", newStorageSecret());
 */
export function newStorageSecret(): string {
  return randomBytes(32).toString("hex");
}

function invalidToken(): CodedError {
  return new CodedError("StorageTokenInvalid", "Couldn't decode the StoreFileAuthorization token", 401);
}

/**
 * Creates the URL maker of one deployment.
 *
 * @example
 * const urls = createStorageUrls("http://127.0.0.1:3210", secret);
 * urls.uploadUrl(""); // "http://127.0.0.1:3210/api/storage/upload?token=…"
 */
export function createStorageUrls(cloudUrl: string, secretHex: string, now: () => number = Date.now): StorageUrls {
  const origin = cloudUrl.replace(/\/+$/, "");
  const secret = Buffer.from(secretHex, "hex");
  const mac = (purpose: string, data: string) => createHmac("sha256", secret).update(`${purpose}\0${data}`).digest();

  function fileUuid(componentPath: string, storageId: string): string {
    const bytes = mac("file", `${componentPath}\0${storageId}`).subarray(0, 16);
    // Shaped as a v4 uuid, like the backend's storage ids.
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const hex = bytes.toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  return {
    uploadUrl(componentPath) {
      const claims: UploadClaims = { c: componentPath, t: now() };
      const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
      const token = `${payload}.${mac("upload", payload).toString("base64url")}`;
      return `${origin}/api/storage/upload?token=${token}`;
    },
    verifyUploadToken(token) {
      const [payload, signature, ...rest] = (token ?? "").split(".");
      if (payload === undefined || signature === undefined || rest.length > 0) throw invalidToken();
      const expected = mac("upload", payload);
      const given = Buffer.from(signature, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidToken();
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Partial<UploadClaims>;
      if (typeof claims.c !== "string" || typeof claims.t !== "number") throw invalidToken();
      if (claims.t + UPLOAD_URL_VALIDITY_MS <= now()) {
        throw new CodedError("StorageTokenExpired", "Store File Authorization expired", 401);
      }
      return claims.c;
    },
    fileUuid,
    fileUrl(componentPath, storageId) {
      const component = componentPath === "" ? "" : `?component=${encodeURIComponent(componentPath)}`;
      return `${origin}/api/storage/${fileUuid(componentPath, storageId)}${component}`;
    },
  };
}
