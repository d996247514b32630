/**
 * The snapshot exports and imports of `npx convex export` / `import`, kept
 * in memory (they only matter while the CLI command runs): each has the
 * document the CLI watches through `_system/cli/exports:getLatest` and
 * `_system/cli/queryImport`, shaped like the backend's `_exports` and
 * `_snapshot_imports` documents. Exports are built and imports parsed at
 * once, so the CLI finds them finished when it starts watching.
 */
import type { Value } from "convex/values";
import type { AdminData } from "../engine/admin-data.ts";
import { CodedError, isCodedError } from "../deploy/coded-error.ts";
import { buildSnapshotZip } from "./snapshot-export.ts";
import { applyImport, planImport, type ImportMode } from "./snapshot-import.ts";
import { parseImportFile, type ImportFormat, type ParsedImport } from "./snapshot-import-parse.ts";

/** `finish_upload`'s `import` argument, as the CLI sends it. */
export type ImportRequest = { tableName?: string; componentPath?: string; mode?: string; format?: string };

type ImportState =
  | { state: "uploaded" }
  | { state: "waiting_for_confirmation"; message_to_confirm: string; require_manual_confirmation: boolean }
  | { state: "in_progress"; progress_message: string; checkpoint_messages: string[] }
  | { state: "completed"; timestamp: bigint; num_rows_written: bigint }
  | { state: "failed"; error_message: string };

type ImportEntry = {
  id: string;
  creationTime: number;
  format: Value;
  mode: string;
  state: ImportState;
  parsed: ParsedImport | null;
  modeArg: ImportMode;
};
type ExportEntry = { id: string; creationTime: number; startTs: bigint; includeStorage: boolean; zip: Uint8Array };

const MODES: Record<string, { mode: ImportMode; stored: string }> = {
  requireEmpty: { mode: "requireEmpty", stored: "RequireEmpty" },
  append: { mode: "append", stored: "Append" },
  replace: { mode: "replace", stored: "Replace" },
  replaceAll: { mode: "replaceAll", stored: "ReplaceAll" },
};
const FORMATS: Record<string, string> = { csv: "csv", jsonLines: "jsonl", jsonArray: "json_array", zip: "zip" };
/** Exports kept for download; older ones answer `ExportNotFound`. */
const KEPT_EXPORTS = 3;
/** Imports remembered (with their parsed data until they run or are canceled). */
const KEPT_IMPORTS = 20;
/** Uploads that were never finished are dropped after this long. */
const UPLOAD_TTL_MS = 60 * 60 * 1000;
/** An export's download link "expires" (`expiration_ts`) after this long, as documents go. */
const EXPORT_EXPIRY_NS = 14n * 24n * 3600n * 1_000_000_000n;

/**
 * See the module comment.
 *
 * @example
 * ```ts
 * const snapshots = new SnapshotService({ data: engine.adminData, notify: () => hub.notifyCommit() });
 * await snapshots.requestExport(false);
 * ```
 */
export class SnapshotService {
  private readonly data: AdminData | null;
  private readonly notify: () => void;
  private readonly imports = new Map<string, ImportEntry>();
  private readonly uploads = new Map<string, { parts: Map<number, Uint8Array>; startedAt: number }>();
  private exports: ExportEntry[] = [];
  private sequence = 0;
  private lastStartTs = 0n;

  constructor(options: { data: AdminData | null; notify: () => void }) {
    this.data = options.data;
    this.notify = options.notify;
  }

  private requireData(): AdminData {
    if (this.data === null)
      throw new CodedError("NotImplemented", "This convex-local engine offers no snapshot import or export.");
    return this.data;
  }

  private nextId(table: string): string {
    this.sequence += 1;
    return `${String(this.sequence).padStart(8, "0")}${table}`;
  }

  /** Builds an export of the data as it is now; it is the latest from then on. */
  async requestExport(includeStorage: boolean): Promise<void> {
    const data = this.requireData();
    const now = BigInt(Date.now()) * 1_000_000n;
    const startTs = now > this.lastStartTs ? now : this.lastStartTs + 1n;
    this.lastStartTs = startTs;
    const zip = await buildSnapshotZip(data, { includeStorage });
    this.exports = [
      ...this.exports,
      { id: this.nextId("_exports"), creationTime: Date.now(), startTs, includeStorage, zip },
    ].slice(-KEPT_EXPORTS);
    this.notify();
  }

  /** The `_exports` document of the latest export, or null. */
  latestExport(): Value {
    const latest = this.exports.at(-1);
    if (latest === undefined) return null;
    return {
      _id: latest.id,
      _creationTime: latest.creationTime,
      state: "completed",
      start_ts: latest.startTs,
      complete_ts: latest.startTs,
      expiration_ts: latest.startTs + EXPORT_EXPIRY_NS,
      zip_object_key: `snapshot_${latest.startTs}.zip`,
      format: { format: "zip", include_storage: latest.includeStorage },
      component: null,
      requestor: "snapshotExport",
      size: BigInt(latest.zip.length),
    };
  }

  /** The ZIP of the export with this start ts (or `_exports` id), or null. */
  exportZip(snapshotId: string): Uint8Array | null {
    return this.exports.find((e) => e.startTs.toString() === snapshotId || e.id === snapshotId)?.zip ?? null;
  }

  startUpload(): string {
    const now = Date.now();
    for (const [token, upload] of this.uploads) if (now - upload.startedAt > UPLOAD_TTL_MS) this.uploads.delete(token);
    const token = this.nextId("_upload");
    this.uploads.set(token, { parts: new Map(), startedAt: now });
    return token;
  }

  uploadPart(token: string, partNumber: number, bytes: Uint8Array): string {
    const upload = this.uploads.get(token);
    if (upload === undefined)
      throw new CodedError("InvalidUploadToken", `No upload is in progress for token ${token}.`);
    if (!Number.isInteger(partNumber) || partNumber < 1)
      throw new CodedError("InvalidPartNumber", `Bad part number ${partNumber}.`);
    upload.parts.set(partNumber, bytes);
    return `${token}:${partNumber}`;
  }

  /** Joins the parts, parses the file and computes what it would change; answers the import id. */
  finishUpload(token: string, partTokens: unknown[], request: ImportRequest): string {
    const upload = this.uploads.get(token);
    if (upload === undefined)
      throw new CodedError("InvalidUploadToken", `No upload is in progress for token ${token}.`);
    this.uploads.delete(token);
    const parts = partTokens.map((partToken) => {
      const bytes = upload.parts.get(Number(String(partToken).split(":").at(-1)));
      if (bytes === undefined) throw new CodedError("InvalidPartToken", `Unknown upload part ${String(partToken)}.`);
      return bytes;
    });
    const format = request.format ?? "";
    if (!(format in FORMATS))
      throw new CodedError("InvalidImportFormat", `Unknown import format ${JSON.stringify(format)}.`);
    const mode = MODES[request.mode ?? "requireEmpty"];
    if (mode === undefined)
      throw new CodedError("InvalidImportMode", `Unknown import mode ${JSON.stringify(request.mode)}.`);
    const tableName = request.tableName ?? null;
    if (format === "zip" && tableName !== null)
      throw new CodedError("InvalidName", "ZIP import cannot have table name");
    const entry: ImportEntry = {
      id: this.nextId("_snapshot_imports"),
      creationTime: Date.now(),
      format: format === "zip" ? { format: "zip" } : { format: FORMATS[format]!, table: tableName ?? "" },
      mode: mode.stored,
      modeArg: mode.mode,
      state: { state: "uploaded" },
      parsed: null,
    };
    this.imports.set(entry.id, entry);
    for (const id of [...this.imports.keys()].slice(0, Math.max(0, this.imports.size - KEPT_IMPORTS)))
      this.imports.delete(id);
    try {
      const data = this.requireData();
      const parsed = parseImportFile(Buffer.concat(parts), {
        format: format as ImportFormat,
        tableName,
        componentPath: request.componentPath ?? "",
      });
      const plan = planImport(data, parsed, mode.mode);
      entry.parsed = parsed;
      entry.state = {
        state: "waiting_for_confirmation",
        message_to_confirm: plan.message,
        require_manual_confirmation: plan.requireManualConfirmation,
      };
    } catch (error) {
      entry.state = { state: "failed", error_message: failureMessage(error) };
    }
    this.notify();
    return entry.id;
  }

  /** Runs a confirmed import to its end (completed or failed). */
  async performImport(importId: string): Promise<void> {
    const entry = this.imports.get(importId);
    if (entry === undefined) throw new CodedError("InvalidImport", `invalid import id ${importId}`);
    if (entry.state.state !== "waiting_for_confirmation" || entry.parsed === null) {
      throw new CodedError(
        "ImportNotWaitingForConfirmation",
        `Import ${importId} is not waiting for confirmation (it is ${entry.state.state}).`,
      );
    }
    const parsed = entry.parsed;
    entry.parsed = null;
    entry.state = { state: "in_progress", progress_message: "Importing", checkpoint_messages: [] };
    this.notify();
    try {
      const { rowsWritten } = await applyImport(this.requireData(), parsed, entry.modeArg);
      entry.state = {
        state: "completed",
        timestamp: BigInt(Date.now()) * 1_000_000n,
        num_rows_written: BigInt(rowsWritten),
      };
    } catch (error) {
      entry.state = { state: "failed", error_message: failureMessage(error) };
    }
    this.notify();
  }

  cancelImport(importId: string): void {
    const entry = this.imports.get(importId);
    if (entry === undefined) throw new CodedError("InvalidImport", `invalid import id ${importId}`);
    if (entry.state.state === "waiting_for_confirmation" || entry.state.state === "uploaded") {
      entry.parsed = null;
      entry.state = { state: "failed", error_message: "Import canceled" };
      this.notify();
    }
  }

  /** The `_snapshot_imports` document of an import, or null. */
  importDocument(importId: unknown): Value {
    const entry = typeof importId === "string" ? this.imports.get(importId) : undefined;
    if (entry === undefined) return null;
    return {
      _id: entry.id,
      _creationTime: entry.creationTime,
      state: entry.state,
      format: entry.format,
      mode: entry.mode,
      requestor: { type: "snapshotImport" },
    } as Value;
  }

  /** The 20 latest imports' documents, newest first. */
  listImports(): Value[] {
    return [...this.imports.keys()]
      .reverse()
      .slice(0, 20)
      .map((id) => this.importDocument(id));
  }
}

function failureMessage(error: unknown): string {
  if (isCodedError(error)) return error.message;
  return `Hit an error while importing:\n${(error as Error)?.message ?? String(error)}`;
}
