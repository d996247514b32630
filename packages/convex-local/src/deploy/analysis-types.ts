/**
 * The message format between {@link runAnalysis} (main thread) and the
 * analysis worker. Only plain data crosses the boundary (structured clone).
 */
import type { AnalyzedModule, AnalyzedSchema, AuthInfo, ComponentDefinitionMetadata } from "./push-types.ts";

/** One component definition of a push, laid out on disk for the worker. */
export type AnalysisDefinition = {
  /** Opaque definition path as the CLI sent it ("" for the root). */
  definitionPath: string;
  /** Directory holding the function modules (and `schema.js` when `hasSchema`). */
  modulesDir: string;
  /** Module paths to analyse: entry points only, no `_deps/` chunks, no `auth.config.js`. */
  functionModules: string[];
  hasSchema: boolean;
  /** Directory holding `convex.config.js`, or null for a root without one. */
  configDir: string | null;
  /** Definition paths of the direct children, as the CLI sent them. */
  dependencies: string[];
  /** Root only: whether `auth.config.js` is among the modules. */
  hasAuthConfig: boolean;
};

export type AnalysisInput = {
  definitions: AnalysisDefinition[];
  /** Deployment env vars: visible to the root's modules and `convex.config.js`. */
  deploymentEnv: Record<string, string>;
  /** `CONVEX_CLOUD_URL` / `CONVEX_SITE_URL`: visible everywhere. */
  systemEnv: Record<string, string>;
};

export type AnalyzedDefinition = {
  definition: ComponentDefinitionMetadata;
  schema: AnalyzedSchema | null;
  functions: Record<string, AnalyzedModule>;
};

export type AnalysisOutput =
  | { ok: true; definitions: Record<string, AnalyzedDefinition>; appAuth: AuthInfo[] }
  | { ok: false; error: { code: string; message: string; status: number } };
