/** What the end-to-end part hands the report: self-contained, so it can be rendered on its own. */
import type { SideId } from "../sides/side.ts";
import type { LatencyStats } from "./time-probes.ts";

export type E2eOperationId = "convexToken" | "getSession" | "signIn" | "syncQuery" | "httpQuery";

export type E2eOperationResult = {
  id: E2eOperationId;
  label: string;
  /** Only the sides that were deployed. */
  sides: Partial<Record<SideId, LatencyStats>>;
};

export type E2eResult = {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string };
  /** convex-local, plus per side the library, better-auth and convex its app bundled. */
  versions: { convexLocal: string; sides: Partial<Record<SideId, Record<string, string>>> };
  warmUpRuns: number;
  runs: number;
  /** The sides measured, ours first. */
  sides: SideId[];
  /** Why the prior art was not measured, when it was not. */
  priorArtSkipped?: string;
  /** Server start to signed-up user, per side. */
  deployMs: Partial<Record<SideId, number>>;
  operations: E2eOperationResult[];
  /** 1-minute load average at the start and end: other work inflates times. */
  load: [number, number];
  durationMs: number;
};
