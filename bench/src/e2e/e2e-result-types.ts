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

/** Smallest, largest and mean of a count taken once per timed call. */
export type CountSummary = { min: number; max: number; mean: number };

/** One variant of the page render: a side with `jwtCache` on or off. */
export type SsrVariantResult = {
  side: SideId;
  jwtCache: boolean;
  stats: LatencyStats;
  /** `GET /convex/token` round trips the Next.js server made per render. */
  tokenRoundTrips: CountSummary;
  /** Every HTTP request the Next.js server sent per render. */
  requests: CountSummary;
  /** `METHOD /path` → requests over all timed renders. */
  byPath: Record<string, number>;
};

/** The server-rendered page of the guide's Next.js app, per side and `jwtCache` setting. */
export type SsrResult = {
  label: string;
  /** The Next.js version each side's app was built with. */
  next: Partial<Record<SideId, string>>;
  /** `next build`, per side, ms. */
  buildMs: Partial<Record<SideId, number>>;
  /** Sides whose build skipped type checking, and why. */
  typeCheckSkipped: Partial<Record<SideId, string>>;
  /** The `jwtCache` option each side's app passed, as source. */
  jwtCacheOption: Partial<Record<SideId, string>>;
  /** Whether each side's `jwtCache` is on by default. */
  jwtCacheDefault: Partial<Record<SideId, boolean>>;
  /** Ours on, ours off, then the prior art's. */
  variants: SsrVariantResult[];
  /** Why the prior art's page was not measured, when it was not. */
  priorArtSkipped?: string;
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
  /** Absent in results written before the page render was measured. */
  ssr?: SsrResult;
  /** 1-minute load average at the start and end: other work inflates times. */
  load: [number, number];
  durationMs: number;
};
