/**
 * Module resolution for a process that loads both libraries.
 *
 * - `prior-art:<specifier>` resolves `<specifier>` from `bench/prior-art/`,
 *   so the prior art and everything it imports (better-auth 1.6.23,
 *   convex-helpers, jose …) come from its own install, never from ours.
 * - `convex` and `convex/*` always resolve to the workspace's copy. The
 *   engine (convex-test) and every app module must share one `convex`
 *   package; the prior art's own copy is the same version (1.49.0), so
 *   pinning it to ours changes no code that runs, only which file is loaded.
 *
 * Registered with `module.registerHooks` (synchronous, in-thread) before
 * anything from either library is imported.
 */
import { registerHooks } from "node:module";
import { pathToFileURL } from "node:url";
import { BENCH_DIR, PRIOR_ART_DIR } from "./paths.ts";

const PREFIX = "prior-art:";
const priorArtParent = pathToFileURL(`${PRIOR_ART_DIR}/package.json`).href;
const workspaceParent = pathToFileURL(`${BENCH_DIR}/package.json`).href;

export function registerResolveHooks(): void {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier.startsWith(PREFIX)) {
        return nextResolve(specifier.slice(PREFIX.length), { ...context, parentURL: priorArtParent });
      }
      if (specifier === "convex" || specifier.startsWith("convex/")) {
        return nextResolve(specifier, { ...context, parentURL: workspaceParent });
      }
      return nextResolve(specifier, context);
    },
  });
}
