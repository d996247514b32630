/**
 * The admin HTTP routes of `npx convex import` and `npx convex export`
 * (their state lives in `snapshot-service.ts`):
 *
 * - `POST /api/import/start_upload` → `{uploadToken}`
 * - `POST /api/import/upload_part?uploadToken=…&partNumber=…` (raw bytes) → part token
 * - `POST /api/import/finish_upload` `{import: {format, mode, tableName?, componentPath?}, uploadToken, partTokens}` → `{importId}`
 * - `POST /api/perform_import` / `POST /api/cancel_import` `{importId}`
 * - `POST /api/export/request/zip?includeStorage=…`
 * - `GET /api/export/zip/<start ts>` → the ZIP, as an attachment
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { CodedError } from "../deploy/coded-error.ts";
import { readBody, readJsonBody } from "./read-json-body.ts";
import type { ImportRequest, SnapshotService } from "./snapshot-service.ts";

/** A JSON answer for the router to write, `null` when the response was written here, `undefined` when the route isn't one of these. */
export type SnapshotRouteReply = { status: number; body: unknown } | null | undefined;

const EXPORT_ZIP = /^\/api\/export\/zip\/([^/]+)$/;

/**
 * Serves one of the routes above for an admin-authenticated request.
 *
 * @example
 * ```ts
 * const reply = await snapshotRoute(snapshots, req, res, url);
 * if (reply !== undefined) return reply;
 * ```
 */
export async function snapshotRoute(
  snapshots: SnapshotService,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<SnapshotRouteReply> {
  const method = req.method ?? "GET";
  const pathname = url.pathname;
  if (method === "GET") {
    const match = EXPORT_ZIP.exec(pathname);
    if (match === null) return undefined;
    const snapshotId = decodeURIComponent(match[1]!);
    const zip = snapshots.exportZip(snapshotId);
    if (zip === null) throw new CodedError("ExportNotFound", `The requested export ${snapshotId} was not found`, 404);
    res.writeHead(200, {
      "content-type": "application/zip",
      "content-length": String(zip.length),
      "content-disposition": `attachment; filename=snapshot_convex-local_${snapshotId}.zip`,
      "cache-control": "private, max-age=2592000",
    });
    res.end(zip);
    return null;
  }
  if (method !== "POST") return undefined;
  switch (pathname) {
    case "/api/import/start_upload":
      await readBody(req);
      return { status: 200, body: { uploadToken: snapshots.startUpload() } };
    case "/api/import/upload_part": {
      const token = url.searchParams.get("uploadToken") ?? "";
      const partNumber = Number(url.searchParams.get("partNumber"));
      return { status: 200, body: snapshots.uploadPart(token, partNumber, await readBody(req)) };
    }
    case "/api/import/finish_upload": {
      const body = (await readJsonBody(req)) as { import?: ImportRequest; uploadToken?: unknown; partTokens?: unknown };
      const partTokens = Array.isArray(body.partTokens) ? body.partTokens : [];
      return {
        status: 200,
        body: { importId: snapshots.finishUpload(String(body.uploadToken ?? ""), partTokens, body.import ?? {}) },
      };
    }
    case "/api/perform_import": {
      const body = (await readJsonBody(req)) as { importId?: unknown };
      await snapshots.performImport(String(body.importId ?? ""));
      return { status: 200, body: {} };
    }
    case "/api/cancel_import": {
      const body = (await readJsonBody(req)) as { importId?: unknown };
      snapshots.cancelImport(String(body.importId ?? ""));
      return { status: 200, body: {} };
    }
    case "/api/export/request/zip":
      await readBody(req);
      await snapshots.requestExport(url.searchParams.get("includeStorage") === "true");
      return { status: 200, body: {} };
    default:
      return undefined;
  }
}
