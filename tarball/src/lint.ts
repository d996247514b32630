/**
 * publint and "Are the types wrong?" on a packed tarball (the file that
 * would be published, not the workspace folder).
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { ATTW_BIN } from "./paths.ts";
import { run } from "./run.ts";

/**
 * publint's messages for `tarball`, every level (suggestions too), with
 * warnings counted as errors; empty when clean.
 *
 * @example
 * assert.deepEqual(await publintMessages(packed.tarball), []);
 */
export async function publintMessages(tarball: string): Promise<string[]> {
  const bytes = readFileSync(tarball);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const { messages, pkg } = await publint({ pack: { tarball: buffer }, level: "suggestion", strict: true });
  return messages.map((message) => `${message.type}: ${formatMessage(message, pkg, { color: false }) ?? message.code}`);
}

/**
 * Resolution modes attw skips for an ESM-only package (`--profile
 * esm-only`): `node10` (no `exports` support) and `node16` from CommonJS
 * (`require` of ESM; Node 22 can `require()` these modules, TypeScript's
 * node16 mode cannot).
 */
export const ATTW_IGNORED_RESOLUTIONS = ["node10", "node16-cjs"];

type AttwProblem = { kind: string; entrypoint?: string; resolutionKind?: string; [field: string]: unknown };

/**
 * attw's problems for `tarball` outside the ignored resolution modes, one
 * line each; empty when every entry point resolves to JavaScript and types
 * that agree under node16 (ESM) and bundler resolution.
 *
 * @example
 * assert.deepEqual(await attwProblems(packed.tarball), []);
 */
export async function attwProblems(tarball: string): Promise<{ problems: string[]; entrypoints: number }> {
  const { code, stdout, stderr } = await run(ATTW_BIN, [tarball, "--profile", "esm-only", "--format", "json"], {
    cwd: dirname(tarball),
    timeoutMs: 120_000,
    allowFailure: true,
  });
  let report: {
    analysis?: { entrypoints?: Record<string, unknown>; problems?: AttwProblem[] };
    problems?: Record<string, AttwProblem[]> | AttwProblem[];
  };
  try {
    report = JSON.parse(stdout);
  } catch {
    throw new Error(`attw printed no JSON report (exit ${code}):\n${stdout}\n${stderr}`);
  }
  // The report lists problems as an array under `analysis` and grouped by kind at the top.
  const all =
    report.analysis?.problems ??
    (Array.isArray(report.problems) ? report.problems : Object.values(report.problems ?? {}).flat());
  const problems = all
    .filter(
      (problem) => problem.resolutionKind === undefined || !ATTW_IGNORED_RESOLUTIONS.includes(problem.resolutionKind),
    )
    .map(
      (problem) =>
        `${problem.kind} at ${problem.entrypoint ?? "(package)"}${problem.resolutionKind ? ` (${problem.resolutionKind})` : ""}`,
    );
  if (code !== 0 && problems.length === 0)
    throw new Error(`attw exited ${code} without a problem outside the ignored resolutions:\n${stderr}`);
  return { problems, entrypoints: Object.keys(report.analysis?.entrypoints ?? {}).length };
}
