/**
 * The resident memory of another process (the convex-local server), read
 * from Linux's `/proc/<pid>/status`: `VmRSS` now and `VmHWM`, the highest
 * RSS since the process started. Elsewhere there is no such file and the
 * bench reports memory as not measured rather than fail.
 */
import { readFileSync } from "node:fs";

export type ProcessMemory = { rssMiB: number; peakRssMiB: number };

function fieldKiB(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  return match === null ? undefined : Number(match[1]);
}

/**
 * RSS and peak RSS of `pid` in MiB, or undefined where /proc is missing.
 *
 * @example
 * const memory = processMemory(server.pid);
 */
export function processMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const rss = fieldKiB(status, "VmRSS");
  const peak = fieldKiB(status, "VmHWM");
  if (rss === undefined || peak === undefined) return undefined;
  return { rssMiB: rss / 1024, peakRssMiB: peak / 1024 };
}
