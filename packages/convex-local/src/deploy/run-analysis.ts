import { Worker } from "node:worker_threads";
import type { AnalysisInput, AnalysisOutput } from "./analysis-types.ts";
import { CodedError } from "./coded-error.ts";

/** Import-time code that runs longer than this is treated as hung. */
const ANALYSIS_TIMEOUT_MS = 60_000;

/** The worker ships as `.ts` in the source tree (Node strips types) and `.js` in dist/. */
const workerUrl = new URL(`./analysis-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

/**
 * Runs the push analysis in a fresh `worker_threads` Worker and terminates it
 * afterwards, so every push gets a clean module graph and no user module stays
 * loaded in the server. Import-time console output of user code is dropped.
 *
 * @example
 * ```ts
 * const output = await runAnalysis({ definitions, deploymentEnv: {}, systemEnv });
 * if (output.ok) output.definitions[""].functions["messages.js"];
 * ```
 */
export async function runAnalysis(input: AnalysisInput): Promise<AnalysisOutput> {
  const worker = new Worker(workerUrl, {
    workerData: input,
    env: { ...input.deploymentEnv, ...input.systemEnv },
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  try {
    return await new Promise<AnalysisOutput>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new CodedError(
              "InvalidModules",
              `Hit an error while pushing:\nAnalysing the pushed modules took longer than ${ANALYSIS_TIMEOUT_MS / 1000} s.`,
            ),
          ),
        ANALYSIS_TIMEOUT_MS,
      );
      worker.once("message", (output: AnalysisOutput) => {
        clearTimeout(timer);
        resolve(output);
      });
      worker.once("error", (error) => {
        clearTimeout(timer);
        reject(new CodedError("InvalidModules", `Hit an error while pushing:\n${error.stack ?? error.message}`));
      });
      worker.once("exit", (code) => {
        clearTimeout(timer);
        reject(
          new CodedError(
            "InvalidModules",
            `Hit an error while pushing:\nThe module analysis exited early (code ${code}).`,
          ),
        );
      });
    });
  } finally {
    await worker.terminate();
  }
}
