import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import type { AnalysisDefinition } from "./analysis-types.ts";
import type { ComponentInstance } from "./build-checked-app.ts";
import type { DeployedState, StoredModule } from "./deployed-state.ts";
import type {
  AuthInfo,
  EvaluatedComponentDefinition,
  IndexDiff,
  ModuleConfig,
  StartPushRequest,
  StartPushResponse,
  UdfConfig,
} from "./push-types.ts";
import type { ExternalPackages, NodeDependency } from "./external-packages.ts";
import { buildCheckedApp } from "./build-checked-app.ts";
import { CodedError } from "./coded-error.ts";
import { checkNodeDependencies, linkNodeModules } from "./external-packages.ts";
import { fileBasedExports } from "./file-based-exports.ts";
import { indexDiff } from "./index-diff.ts";
import { moduleHash } from "./module-hash.ts";
import { runAnalysis } from "./run-analysis.ts";
import { checkModulePath, writeModuleDir } from "./write-module-dir.ts";

/** One definition of a push with its complete module set (root: changed + unchanged). */
export type StagedDefinition = {
  definitionPath: string;
  dependencies: string[];
  /** Function modules and chunks (root: also `auth.config.js`). */
  modules: StoredModule[];
  schema: StoredModule | null;
};

/**
 * An analysed push waiting for `wait_for_schema` / `finish_push`. It lives in
 * memory and in its staging directory only: `start_push` must not change the
 * deployment, because `codegen` calls it and never finishes.
 */
export type StagedPush = {
  pushId: string;
  createdAt: number;
  stagingDir: string;
  dryRun: boolean;
  /** Version of the finished push this one was analysed against (null: none yet). */
  baseVersion: string | null;
  udfServerVersion: string;
  /** The request's `functions` directory. */
  functions: string;
  /** The external packages of its Node actions, installed under {@link externalDepsId}. */
  nodeDependencies: NodeDependency[];
  externalDepsId: string | null;
  definitions: Map<string, StagedDefinition>;
  /** Staging directory of each definition's modules (and `schema.js`). */
  definitionDirs: Map<string, string>;
  analysis: Record<string, EvaluatedComponentDefinition>;
  instances: ComponentInstance[];
  appAuth: AuthInfo[];
  environmentVariables: Record<string, string>;
  response: StartPushResponse;
};

/**
 * Does the work of `start_push`: assembles each definition's modules
 * (resolving the root's unchanged hashes from the last finished push),
 * installs the Node actions' external packages, lays the modules out under
 * `stagingRoot/<pushId>/`, analyses them in a worker and builds the
 * response the CLI's codegen reads. No deployment state changes.
 *
 * @example
 * ```ts
 * const staged = await stagePush(request, { stagingRoot, storedRootModules, deployed, environmentVariables, systemEnv, externalPackages });
 * reply(200, staged.response);
 * ```
 */
export async function stagePush(
  request: StartPushRequest,
  context: {
    stagingRoot: string;
    storedRootModules: StoredModule[];
    deployed: DeployedState | null;
    environmentVariables: Record<string, string>;
    systemEnv: Record<string, string>;
    externalPackages: ExternalPackages;
  },
): Promise<StagedPush> {
  if (
    !request ||
    typeof request !== "object" ||
    !request.appDefinition ||
    !Array.isArray(request.componentDefinitions)
  ) {
    throw new CodedError("BadRequest", "Expected a start_push body with appDefinition and componentDefinitions.");
  }
  const definitions = assembleDefinitions(request, context.storedRootModules);
  const nodeDependencies = checkNodeDependencies(request.nodeDependencies);
  // Installed before anything is staged: the analysis imports the Node modules, and a failed install leaves nothing behind.
  const installed = await context.externalPackages.ensure(nodeDependencies);
  const pushId = randomUUID();
  const stagingDir = path.join(context.stagingRoot, pushId);
  const { analysisDefinitions, definitionDirs } = await layOut(request, definitions, stagingDir);
  if (installed) await linkNodeModules(stagingDir, installed.nodeModulesDir);

  const output = await runAnalysis({
    definitions: analysisDefinitions,
    deploymentEnv: context.environmentVariables,
    systemEnv: context.systemEnv,
  });
  if (!output.ok) throw new CodedError(output.error.code, output.error.message, output.error.status);

  const udfServerVersion = request.appDefinition.udfServerVersion;
  const analysis: Record<string, EvaluatedComponentDefinition> = {};
  for (const [definitionPath, analyzed] of Object.entries(output.definitions)) {
    const definition =
      definitionPath === ""
        ? analyzed.definition
        : { ...analyzed.definition, exports: fileBasedExports(analyzed.functions) };
    analysis[definitionPath] = { ...analyzed, definition, udfConfig: udfConfig(udfServerVersion) };
  }
  const { app, instances } = buildCheckedApp(analysis);
  const indexDiffs = diffIndexes(context.deployed, analysis, instances);

  const response: StartPushResponse = {
    environmentVariables: context.environmentVariables,
    externalDepsId: installed?.id ?? null,
    componentDefinitionPackages: {},
    appAuth: output.appAuth,
    analysis,
    app,
    schemaChange: { allocatedComponentIds: null, schemaIds: null, indexDiffs, pushId },
    pushId,
  };
  return {
    pushId,
    createdAt: Date.now(),
    stagingDir,
    dryRun: request.dryRun === true,
    baseVersion: context.deployed?.version ?? null,
    udfServerVersion,
    functions: typeof request.functions === "string" ? request.functions : "convex/",
    nodeDependencies,
    externalDepsId: installed?.id ?? null,
    definitions,
    definitionDirs,
    analysis,
    instances,
    appAuth: output.appAuth,
    environmentVariables: context.environmentVariables,
    response,
  };
}

function toStored(module: ModuleConfig): StoredModule {
  checkModulePath(module.path);
  if (module.environment !== "isolate" && module.environment !== "node") {
    throw new CodedError(
      "InvalidModules",
      `Module ${module.path} has an unknown environment ${JSON.stringify(module.environment)}.`,
    );
  }
  return {
    path: module.path,
    source: module.source,
    sourceMap: module.sourceMap ?? null,
    environment: module.environment,
    sha256: moduleHash(module.source, module.sourceMap),
  };
}

/**
 * Components cannot have Node actions: the backend refuses a component
 * definition with a `"use node"` module as it parses `start_push` (the CLI
 * refuses them itself before pushing, so only other clients get this far).
 * The text is the backend's, unbalanced backtick included.
 */
function refuseNodeModules(functions: StoredModule[]): void {
  const node = functions.find((module) => module.environment === "node");
  if (node === undefined) return;
  throw new CodedError(
    "NodeActionsNotSupported",
    `Node actions are not supported in components. Remove \`"use node;" from ${node.path}`,
  );
}

function assembleDefinitions(request: StartPushRequest, storedRoot: StoredModule[]): Map<string, StagedDefinition> {
  const app = request.appDefinition;
  const stored = new Map(storedRoot.map((m) => [m.path, m]));
  const rootModules = app.changedModules.map(toStored);
  for (const unchanged of app.unchangedModuleHashes) {
    const match = stored.get(unchanged.path);
    if (!match || match.sha256 !== unchanged.sha256 || match.environment !== unchanged.environment) {
      throw new CodedError(
        "ModuleNotFound",
        `The CLI skipped uploading ${unchanged.path} (sha256 ${unchanged.sha256}) but this deployment does not have that version. Run the command again.`,
      );
    }
    rootModules.push(match);
  }
  const definitions = new Map<string, StagedDefinition>();
  definitions.set("", {
    definitionPath: "",
    dependencies: app.dependencies,
    modules: rootModules,
    schema: app.schema ? toStored(app.schema) : null,
  });
  for (const component of request.componentDefinitions) {
    if (component.definitionPath === "" || definitions.has(component.definitionPath)) {
      throw new CodedError(
        "InvalidDefinition",
        `Component definition ${JSON.stringify(component.definitionPath)} was pushed twice.`,
      );
    }
    const functions = component.functions.map(toStored);
    refuseNodeModules(functions);
    definitions.set(component.definitionPath, {
      definitionPath: component.definitionPath,
      dependencies: component.dependencies,
      modules: functions,
      schema: component.schema ? toStored(component.schema) : null,
    });
  }
  return definitions;
}

/** Writes every definition to `stagingDir/d<i>` (modules) and `stagingDir/c<i>` (convex.config.js). */
async function layOut(
  request: StartPushRequest,
  definitions: Map<string, StagedDefinition>,
  stagingDir: string,
): Promise<{ analysisDefinitions: AnalysisDefinition[]; definitionDirs: Map<string, string> }> {
  const configs = new Map<string, ModuleConfig | null>([["", request.appDefinition.definition]]);
  for (const c of request.componentDefinitions) configs.set(c.definitionPath, c.definition);
  const analysisDefinitions: AnalysisDefinition[] = [];
  const definitionDirs = new Map<string, string>();
  let index = 0;
  for (const definition of definitions.values()) {
    const modulesDir = path.join(stagingDir, `d${index}`);
    const config = configs.get(definition.definitionPath) ?? null;
    const configDir = config ? path.join(stagingDir, `c${index}`) : null;
    index += 1;
    const files = definition.schema
      ? [...definition.modules, { ...definition.schema, path: "schema.js" }]
      : definition.modules;
    await writeModuleDir(modulesDir, files);
    if (configDir && config) await writeModuleDir(configDir, [{ ...config, path: "convex.config.js" }]);
    definitionDirs.set(definition.definitionPath, modulesDir);
    analysisDefinitions.push({
      definitionPath: definition.definitionPath,
      modulesDir,
      functionModules: definition.modules
        .map((m) => m.path)
        .filter((p) => !p.startsWith("_deps/") && p !== "auth.config.js" && p !== "schema.js")
        .sort(),
      hasSchema: definition.schema !== null,
      configDir,
      dependencies: definition.dependencies,
      hasAuthConfig: definition.definitionPath === "" && definition.modules.some((m) => m.path === "auth.config.js"),
    });
  }
  return { analysisDefinitions, definitionDirs };
}

function udfConfig(serverVersion: string): UdfConfig {
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigInt64LE(BigInt(Date.now()));
  return {
    serverVersion,
    importPhaseRngSeed: { $bytes: randomBytes(32).toString("base64") },
    importPhaseUnixTimestamp: { $integer: timestamp.toString("base64") },
  };
}

/** Index changes per component instance against the last finished push. */
function diffIndexes(
  deployed: DeployedState | null,
  analysis: Record<string, EvaluatedComponentDefinition>,
  instances: ComponentInstance[],
): Record<string, IndexDiff> {
  const previous = new Map(
    (deployed?.instances ?? []).map((i) => [i.componentPath, deployed!.analysis[i.definitionPath]?.schema ?? null]),
  );
  const diffs: Record<string, IndexDiff> = {};
  for (const instance of instances) {
    diffs[instance.componentPath] = indexDiff(
      previous.get(instance.componentPath) ?? null,
      analysis[instance.definitionPath].schema,
    );
  }
  return diffs;
}
