import type { AnalyzedFunction, AnalyzedModule, CronJobSpec, HttpRoute } from "./push-types.ts";
import { importUserModule, moduleLoadError } from "./import-user-module.ts";

type RegisteredFunction = {
  isQuery?: unknown;
  isMutation?: unknown;
  isAction?: unknown;
  isPublic?: unknown;
  isInternal?: unknown;
  exportArgs?: () => string;
  exportReturns?: () => string;
};

/**
 * Imports one function module and reads what the CLI and the engine need off
 * the live exports: registered functions with their validators, the HTTP
 * routes of `http.js` and the cron specs of `crons.js`. Because `convex/server`
 * is bundled into every module, the markers (`isQuery`, `exportArgs()`,
 * `getRoutes()`, `export()`) are the real ones.
 *
 * @example
 * ```ts
 * const analyzed = await analyzeFunctionModule(dir, "messages.js");
 * analyzed.functions[0]; // { name: "list", udfType: "Query", visibility: { kind: "public" }, … }
 * ```
 */
export async function analyzeFunctionModule(dir: string, modulePath: string): Promise<AnalyzedModule> {
  const namespace = await importUserModule(dir, modulePath);
  try {
    const functions: AnalyzedFunction[] = [];
    // V8 lists namespace keys sorted, like the real backend's analysis.
    for (const name of Object.keys(namespace).sort()) {
      const analyzed = analyzeExport(name, namespace[name]);
      if (analyzed) functions.push(analyzed);
    }
    return {
      functions,
      httpRoutes: modulePath === "http.js" ? readHttpRoutes(namespace) : null,
      cronSpecs: modulePath === "crons.js" ? readCronSpecs(namespace) : null,
      sourceMapped: null,
    };
  } catch (error) {
    throw moduleLoadError(modulePath, error);
  }
}

function analyzeExport(name: string, value: unknown): AnalyzedFunction | null {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return null;
  const f = value as RegisteredFunction;
  const kinds = (["isQuery", "isMutation", "isAction"] as const).filter((marker) => marker in f);
  // httpActions carry `isHttp` instead and are reached through the router.
  if (kinds.length !== 1) return null;
  const udfType = kinds[0] === "isQuery" ? "Query" : kinds[0] === "isMutation" ? "Mutation" : "Action";
  const isPublic = "isPublic" in f;
  const isInternal = "isInternal" in f;
  if (isPublic && isInternal) return null;
  const visibility = isPublic ? { kind: "public" as const } : isInternal ? { kind: "internal" as const } : null;
  return {
    name,
    udfType,
    visibility,
    args: readValidator(name, "args", f.exportArgs),
    returns: readValidator(name, "returns", f.exportReturns),
    pos: null,
  };
}

function readValidator(name: string, kind: string, exporter: (() => string) | undefined): string | null {
  if (typeof exporter !== "function") return null;
  const text = exporter();
  try {
    JSON.parse(text);
  } catch {
    throw new Error(`Invalid ${kind} validator JSON for function ${name}: ${text}`);
  }
  return text;
}

function readHttpRoutes(namespace: Record<string, unknown>): { route: HttpRoute; pos: null }[] {
  const router = namespace.default as { isRouter?: unknown; getRoutes?: () => [string, string, unknown][] } | undefined;
  if (!router || !router.isRouter || typeof router.getRoutes !== "function") {
    throw new Error("The default export of `convex/http.js` is not a Router.");
  }
  return router.getRoutes().map(([path, method]) => ({ route: { path, method }, pos: null }));
}

function readCronSpecs(namespace: Record<string, unknown>): { identifier: string; spec: CronJobSpec }[] | null {
  const crons = namespace.default as { isCrons?: unknown; export?: () => string } | undefined;
  if (!crons || !crons.isCrons || typeof crons.export !== "function") return null;
  const specs = JSON.parse(crons.export()) as Record<string, CronJobSpec>;
  return Object.entries(specs).map(([identifier, spec]) => ({ identifier, spec }));
}
