/** What one size's measurement hands back to the report. */
import type { LoggedMessage } from "../engine/console-capture.ts";
import type { TimeStats } from "../engine/stats.ts";
import type { SideId } from "../sides/side.ts";

/** Calls to one component function about one model, folded together. */
export type CallGroup = { fn: string; model?: string; calls: number; documentsRead: number };

export type MeteredRun = {
  calls: number;
  documentsRead: number;
  /** In the order first made. */
  groups: CallGroup[];
  /**
   * For operations inside one app query: the query's own read count, which
   * must equal the sum over the calls (the app itself reads nothing).
   */
  transactionDocumentsRead?: number;
};

export type SideMeasurement = { metered: MeteredRun; time: TimeStats };

export type OperationResult = {
  id: string;
  label: string;
  floor: number;
  floorWhy: string;
  sides: Record<SideId, SideMeasurement>;
};

export type SizeResult = {
  users: number;
  seedMs: Record<SideId, number>;
  operations: OperationResult[];
  /** How the engine answered queries (see engine/index-accelerator.ts). */
  engine: { accelerated: number; stock: number; withDatabaseFilter: number };
  /** The machine's 1-minute load average when the size started and ended: other work skews times. */
  load: [number, number];
  /** Peak resident memory of the process, MiB. */
  peakRssMiB: number;
  /** What the libraries printed during the whole size, deduplicated. */
  libraryLogs: LoggedMessage[];
  durationMs: number;
};
