import { pathToFileURL } from "node:url";
import path from "node:path";
import { CodedError } from "./coded-error.ts";

/**
 * Imports one pushed bundle with Node's ESM loader. Only ever called inside
 * the analysis worker: Node cannot unload ES modules, so user code must never
 * be imported into the server's own module graph.
 *
 * @example
 * ```ts
 * const ns = await importUserModule("/data/staging/p1/d0", "messages.js");
 * ```
 */
export async function importUserModule(dir: string, modulePath: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(path.join(dir, modulePath)).href)) as Record<string, unknown>;
  } catch (error) {
    throw moduleLoadError(modulePath, error);
  }
}

/**
 * The real backend's wording for a module that fails to load or analyse, so
 * the CLI output reads the same as against Convex.
 *
 * @example
 * ```ts
 * throw moduleLoadError("http.js", new Error("The default export of `convex/http.js` is not a Router."));
 * ```
 */
export function moduleLoadError(modulePath: string, error: unknown): CodedError {
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return new CodedError(
    "InvalidModules",
    `Hit an error while pushing:\nLoading the pushed modules encountered the following\n    error:\nFailed to analyze ${modulePath}: Uncaught ${detail}`,
  );
}
