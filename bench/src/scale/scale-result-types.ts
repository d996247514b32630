/** What the scale part hands the report: self-contained, so its section can be rendered on its own. */
import type { LatencyStats } from "../e2e/time-probes.ts";
import type { ProcessMemory } from "./process-memory.ts";

export type ScaleOperationId = "convexToken" | "syncQuery" | "signUp";

/**
 * One deployment of the seed app with `users` users, restarted over its data
 * and measured. Seeding and restarts run one size at a time; the timed calls
 * alternate between the sizes' servers, all running (see `run-scale.ts`).
 */
export type ScaleSizeResult = {
  /** Users in the deployment: `imported` plus `signedUp`. */
  users: number;
  imported: number;
  signedUp: number;
  /** Documents the import wrote (user, account and session per user). */
  importedDocuments: number;
  /** The snapshot ZIP's size, MiB. */
  snapshotMiB: number;
  /** `npx convex import` from start to exit, ms. */
  importMs: number;
  /** `convex-local start` over the existing data dir: spawn to the ready line, ms. */
  readyMs: number;
  /** The first `/convex/token` after ready, ms. */
  firstTokenMs: number;
  /** The first `ConvexClient` after ready: connect, authenticate (token fetch included) and one `getCurrentUser`, ms. */
  firstClientMs: number;
  /** The server's memory right after the ready line and after the timed calls; undefined without /proc. */
  memoryAfterReady?: ProcessMemory;
  memoryAfterLoad?: ProcessMemory;
  /** The data dir after the run, MiB. */
  dataDirMiB: number;
  operations: Record<ScaleOperationId, LatencyStats>;
  /** Seeding this size (deploy, import, sign-ups), ms. */
  seedMs: number;
  /** 1-minute load average when seeding started and when the restart was ready. */
  load: [number, number];
};

export type ScaleResult = {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string };
  versions: Record<string, string>;
  warmUpRuns: number;
  runs: number;
  sizes: ScaleSizeResult[];
  /** 1-minute load average at the start and the end of the timed calls. */
  timedLoad: [number, number];
  durationMs: number;
};
