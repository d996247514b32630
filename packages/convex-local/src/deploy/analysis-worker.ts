/**
 * Worker-thread entry of the push analysis. It imports the pushed bundles,
 * which is why it runs in a throwaway Worker: Node cannot unload ES modules,
 * and user code must see its own `process.env` and a `Convex` global whose
 * syscalls fail (the database is not reachable at import time).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { AnalysisInput, AnalysisOutput, AnalyzedDefinition } from "./analysis-types.ts";
import type { AnalyzedModule, AnalyzedSchema } from "./push-types.ts";
import { analyzeFunctionModule } from "./analyze-function-module.ts";
import { evaluateAuthConfig } from "./evaluate-auth-config.ts";
import { evaluateDefinitions } from "./evaluate-definitions.ts";
import { evaluateSchemaModule } from "./evaluate-schema-module.ts";
import { isCodedError } from "./coded-error.ts";

process.setSourceMapsEnabled(true);

const importTimeOnly = (name: string) => () => {
  throw new Error(`Convex ${name} is unsupported at import time: database and auth calls only work inside a function.`);
};
(globalThis as Record<string, unknown>).Convex = {
  syscall: importTimeOnly("syscall"),
  asyncSyscall: importTimeOnly("asyncSyscall"),
  jsSyscall: importTimeOnly("jsSyscall"),
};

async function analyze(input: AnalysisInput): Promise<AnalysisOutput> {
  const rootEnv = { ...input.deploymentEnv, ...input.systemEnv };
  const useEnv = (scope: "root" | "component") => {
    const next = scope === "root" ? rootEnv : input.systemEnv;
    for (const name of Object.keys(process.env)) delete process.env[name];
    Object.assign(process.env, next);
  };

  const metadata = await evaluateDefinitions(input.definitions, useEnv);
  const definitions: Record<string, AnalyzedDefinition> = {};
  for (const definition of input.definitions) {
    useEnv(definition.definitionPath === "" ? "root" : "component");
    const functions: Record<string, AnalyzedModule> = {};
    for (const modulePath of definition.functionModules) {
      functions[modulePath] = await analyzeFunctionModule(definition.modulesDir, modulePath);
    }
    const schema: AnalyzedSchema | null = definition.hasSchema
      ? await evaluateSchemaModule(definition.modulesDir)
      : null;
    definitions[definition.definitionPath] = {
      definition: metadata.get(definition.definitionPath)!,
      schema,
      functions,
    };
  }
  const root = input.definitions.find((d) => d.definitionPath === "");
  const appAuth = root?.hasAuthConfig ? await evaluateAuthConfig(root.modulesDir, rootEnv) : [];
  return { ok: true, definitions, appAuth };
}

analyze(workerData as AnalysisInput).then(
  (output) => parentPort!.postMessage(output),
  (error: unknown) => {
    const output: AnalysisOutput = isCodedError(error)
      ? { ok: false, error: { code: error.code, message: error.message, status: error.status } }
      : {
          ok: false,
          error: {
            code: "InvalidModules",
            message: `Hit an error while pushing:\n${String((error as Error)?.stack ?? error)}`,
            status: 400,
          },
        };
    parentPort!.postMessage(output);
  },
);
