/**
 * The cloud origin's file-storage routes, as the backend serves them
 * (`crates/local_backend/src/storage.rs`):
 * - `POST /api/storage/upload?token=…`: the raw body becomes a file of the
 *   token's component (`Content-Type` kept, an optional
 *   `Digest: sha-256=<base64>` checked); answers `{"storageId": "…"}`;
 * - `GET /api/storage/<uuid>[?component=<path>]`: the file, with `Digest`,
 *   `Content-Type`, `Content-Length`, a month of private caching and single
 *   byte ranges.
 * Errors are the backend's `{code, message}` with its status.
 *
 * Convex sets no limit on a file's size ("The file size is not limited, but
 * upload POST request has a 2 minute timeout", docs: Uploading and Storing
 * Files). convex-local keeps files in memory and in SQLite, so an upload is
 * bounded by `maxUploadBytes`: a larger `Content-Length`, or a body that
 * streams past it, gets a 413 `StorageUploadTooLarge` and nothing is stored.
 */
import { createHash } from "node:crypto";
import { CodedError, isCodedError } from "../deploy/coded-error.ts";
import { committedFile, tableDocuments, type CapturedInstance } from "./convex-test-internals.ts";
import { withRunContext } from "./run-context.ts";
import type { StorageUrls } from "./storage-urls.ts";

const FILE_PATH = /^\/api\/storage\/([^/]+)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Storage GETs are immutable: the backend lets browsers cache them for 30 days. */
const CACHE_CONTROL = "private, max-age=2592000";

type StorageStore = { storage: { store(blob: Blob): Promise<string> } };

/** Default of `maxUploadBytes`: as much as a push body may carry (`MAX_BODY_BYTES`), 256 MiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

function uploadTooLarge(maxBytes: number): CodedError {
  return new CodedError(
    "StorageUploadTooLarge",
    `File uploads are limited to ${maxBytes} bytes on convex-local (\`--max-upload-bytes\`).`,
    413,
  );
}

/** The upload's bytes, read as they stream in and refused as soon as they pass `maxBytes`. */
async function readUpload(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw uploadTooLarge(maxBytes);
  if (request.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw uploadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function errorResponse(error: CodedError): Response {
  return Response.json({ code: error.code, message: error.message }, { status: error.status });
}

/** The `Digest` header's sha-256 (base64), null when absent; 400 `BadHeader` when malformed. */
function expectedDigest(header: string | null): string | null {
  if (header === null) return null;
  const value = header.startsWith("sha-256=") ? header.slice("sha-256=".length) : null;
  if (value === null || Buffer.from(value, "base64").length !== 32) {
    throw new CodedError("BadHeader", "Bad header for digest: invalid HTTP header (digest)");
  }
  return value;
}

/** One satisfiable byte range of a `Range` header, "all" without one, null when unsatisfiable. */
function byteRange(header: string | null, size: number): { start: number; end: number } | "all" | null {
  if (header === null) return "all";
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return null;
  const [, from, to] = match;
  if (from === "" && to === "") return null;
  if (from === "") {
    const length = Math.min(Number(to), size);
    return length === 0 ? null : { start: size - length, end: size - 1 };
  }
  const start = Number(from);
  const end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  return start > end || start >= size ? null : { start, end };
}

/**
 * Creates the handler of `/api/storage/*` for an engine.
 *
 * @example
 * const serve = createStorageHttp({ urls, instance: () => active?.instance ?? null });
 * const response = await serve(new Request(`${cloudUrl}/api/storage/upload?token=…`, { method: "POST", body: "hi" }));
 */
export function createStorageHttp(options: {
  urls: StorageUrls;
  instance(): CapturedInstance | null;
  /** The largest upload accepted, in bytes. @default DEFAULT_MAX_UPLOAD_BYTES */
  maxUploadBytes?: number;
}): (request: Request) => Promise<Response> {
  const { urls } = options;
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  /** Per component: file uuid → storage id, rebuilt when a uuid is missing. */
  const uuidIndex = new Map<string, Map<string, string>>();

  function storageIdOf(instance: CapturedInstance, componentPath: string, uuid: string): string | null {
    const known = uuidIndex.get(componentPath)?.get(uuid);
    if (known !== undefined) return known;
    const db = instance.global.components[componentPath]?.db;
    if (db === undefined) return null;
    const index = new Map<string, string>();
    for (const document of tableDocuments(db, "_storage"))
      index.set(urls.fileUuid(componentPath, document._id), document._id);
    uuidIndex.set(componentPath, index);
    return index.get(uuid) ?? null;
  }

  async function upload(request: Request, url: URL): Promise<Response> {
    const componentPath = urls.verifyUploadToken(url.searchParams.get("token"));
    const digest = expectedDigest(request.headers.get("digest"));
    const bytes = await readUpload(request, maxUploadBytes);
    const actual = createHash("sha256").update(bytes).digest("base64");
    if (digest !== null && digest !== actual) {
      throw new CodedError("Sha256Mismatch", `Sha256 mismatch. Expected: ${digest} Actual: ${actual}`);
    }
    const instance = options.instance();
    if (instance === null) throw new CodedError("NoDeployment", "Push functions before uploading files.", 404);
    const contentType = request.headers.get("content-type");
    const blob = new Blob([bytes], contentType === null ? {} : { type: contentType });
    const { context, outcome } = await withRunContext(() =>
      instance.t.runInComponent(
        componentPath,
        async (ctx) => await (ctx as unknown as StorageStore).storage.store(blob),
      ),
    );
    if (!outcome.ok) throw outcome.error;
    if (context.persistError !== null)
      throw new Error(`convex-local could not write to its store: ${String(context.persistError)}`);
    return Response.json({ storageId: outcome.value });
  }

  function download(request: Request, url: URL, uuid: string): Response {
    if (!UUID.test(uuid)) {
      throw new CodedError(
        "InvalidStoragePath",
        `Invalid storage path: "${uuid}". Please use \`storage.getUrl(storageId: Id<"_storage">)\` to generate a valid URL to retrieve files. See https://docs.convex.dev/file-storage/serve-files for more details`,
      );
    }
    const componentPath = url.searchParams.get("component") ?? "";
    const instance = options.instance();
    const storageId = instance === null ? null : storageIdOf(instance, componentPath, uuid.toLowerCase());
    const db = storageId === null ? undefined : instance!.global.components[componentPath]?.db;
    const file = db === undefined ? null : committedFile(db, storageId!);
    if (file === null) throw new CodedError("FileNotFound", `File ${uuid} not found`, 404);
    const size = file.blob.size;
    const contentType = typeof file.document.contentType === "string" ? file.document.contentType : null;
    const headers: Record<string, string> = {
      "cache-control": CACHE_CONTROL,
      "accept-ranges": "bytes",
      ...(contentType === null ? {} : { "content-type": contentType }),
    };
    const range = byteRange(request.headers.get("range"), size);
    if (range === null) return new Response(null, { status: 416 });
    if (range === "all" || size === 0) {
      const sha256 = typeof file.document.sha256 === "string" ? file.document.sha256 : null;
      return new Response(file.blob, {
        headers: {
          ...headers,
          "content-length": String(size),
          ...(sha256 === null ? {} : { digest: `sha-256=${sha256}` }),
        },
      });
    }
    return new Response(file.blob.slice(range.start, range.end + 1), {
      status: 206,
      headers: {
        ...headers,
        "content-length": String(range.end - range.start + 1),
        "content-range": `bytes ${range.start}-${range.end}/${size}`,
      },
    });
  }

  return async (request) => {
    const url = new URL(request.url);
    try {
      if (request.method === "POST" && url.pathname === "/api/storage/upload") return await upload(request, url);
      const file = FILE_PATH.exec(url.pathname);
      if (file !== null && (request.method === "GET" || request.method === "HEAD")) {
        return download(request, url, decodeURIComponent(file[1]!));
      }
      return new Response(`Not found: ${url.pathname}`, { status: 404 });
    } catch (error) {
      if (isCodedError(error)) return errorResponse(error);
      throw error;
    }
  };
}
