import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { AppDeployment, Engine } from "../engine/types.ts";
import type { DeployedState, StoredModule } from "./deployed-state.ts";
import type { DeployStore } from "./deploy-store.ts";
import type { FinishPushDiff } from "./push-types.ts";
import type { StagedPush } from "./stage-push.ts";
import { buildAppDeployment, instanceModulesDir } from "./build-app-deployment.ts";
import { CodedError } from "./coded-error.ts";
import { linkNodeModules } from "./external-packages.ts";
import { pushDiff } from "./push-diff.ts";
import { writeModuleDir } from "./write-module-dir.ts";

/** Module directories of older versions kept around for calls still running on them. */
const KEEP_PREVIOUS_VERSIONS = 1;

/**
 * Does the committing half of `finish_push`: checks required env vars,
 * writes every instance's modules to `<modulesRoot>/<version>/<i>/`, switches
 * the engine to the new `AppDeployment`, then records modules and state in
 * the store in one transaction. If the engine refuses the deployment nothing
 * is recorded, so a restart serves the previous push.
 *
 * @example
 * ```ts
 * const { diff } = await commitPush(staged, { engine, store, modulesRoot, previous, environmentVariables });
 * ```
 */
export async function commitPush(
  staged: StagedPush,
  context: {
    engine: Engine;
    store: DeployStore;
    modulesRoot: string;
    previous: DeployedState | null;
    environmentVariables: Record<string, string>;
    /** `node_modules` of the push's installed external packages, or null without any. */
    externalNodeModules: string | null;
  },
): Promise<{ diff: FinishPushDiff; state: DeployedState; app: AppDeployment }> {
  checkRequiredEnvVars(staged, context.environmentVariables);
  const version = `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  await materializeVersion(
    context.modulesRoot,
    version,
    staged.instances,
    (definitionPath) => {
      const definition = staged.definitions.get(definitionPath)!;
      return definition.schema
        ? [...definition.modules, { ...definition.schema, path: "schema.js" }]
        : definition.modules;
    },
    context.externalNodeModules,
  );
  const state: DeployedState = {
    version,
    udfServerVersion: staged.udfServerVersion,
    functions: staged.functions,
    instances: staged.instances,
    analysis: staged.analysis,
    app: staged.response.app,
    appAuth: staged.appAuth,
    nodeDependencies: staged.nodeDependencies,
    externalDepsId: staged.externalDepsId,
  };
  const app = deploymentOf(context.modulesRoot, state);
  try {
    await context.engine.deploy(app);
  } catch (error) {
    await rm(path.join(context.modulesRoot, version), { recursive: true, force: true });
    throw new CodedError(
      "InvalidModules",
      `Hit an error while pushing:\n${(error as Error)?.message ?? String(error)}`,
    );
  }
  const modulesByDefinition = new Map<string, StoredModule[]>();
  for (const [definitionPath, definition] of staged.definitions) {
    modulesByDefinition.set(
      definitionPath,
      definition.schema ? [...definition.modules, { ...definition.schema, path: "schema.js" }] : definition.modules,
    );
  }
  context.store.commitPush(state, modulesByDefinition);
  await pruneVersions(context.modulesRoot, version, context.previous?.version);
  return { diff: pushDiff(context.previous, staged), state, app };
}

/**
 * The `AppDeployment` of a committed state, with module directories under
 * `modulesRoot` (recomputed, so a moved data dir keeps working).
 *
 * @example
 * ```ts
 * await engine.deploy(deploymentOf(modulesRoot, store.deployedState()!));
 * ```
 */
export function deploymentOf(modulesRoot: string, state: DeployedState): AppDeployment {
  return buildAppDeployment({
    version: state.version,
    instances: state.instances,
    analysis: state.analysis,
    appAuth: state.appAuth,
    modulesDirOf: (_, index) => instanceModulesDir(modulesRoot, state.version, index),
  });
}

/**
 * Writes a version's instance directories next to the final location and
 * renames them into place, so a crash never leaves a half-written version
 * that a restart would load. With `externalNodeModules`, the version's
 * `node_modules` links to the installed external packages of its Node actions.
 *
 * @example
 * ```ts
 * await materializeVersion(modulesRoot, "lx3-ab12", instances, (d) => store.modules(d), null);
 * ```
 */
export async function materializeVersion(
  modulesRoot: string,
  version: string,
  instances: { definitionPath: string }[],
  modulesOf: (definitionPath: string) => StoredModule[],
  externalNodeModules: string | null,
): Promise<void> {
  const temporary = path.join(modulesRoot, `.tmp-${version}-${randomBytes(4).toString("hex")}`);
  try {
    for (const [index, instance] of instances.entries()) {
      await writeModuleDir(path.join(temporary, String(index)), modulesOf(instance.definitionPath));
    }
    if (externalNodeModules !== null) {
      await mkdir(temporary, { recursive: true });
      await linkNodeModules(temporary, externalNodeModules);
    }
    await rename(temporary, path.join(modulesRoot, version));
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}

function checkRequiredEnvVars(staged: StagedPush, environmentVariables: Record<string, string>): void {
  const declared = staged.analysis[""]?.definition.envVars ?? [];
  const missing = declared
    .filter(([name, spec]) => !spec.optional && !Object.hasOwn(environmentVariables, name))
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new CodedError(
      "MissingEnvironmentVariables",
      `Environment variables declared as required in convex.config.ts are not set: ${missing.join(", ")}.`,
    );
  }
}

async function pruneVersions(modulesRoot: string, current: string, previous: string | undefined): Promise<void> {
  const keep = new Set([current, ...(KEEP_PREVIOUS_VERSIONS > 0 && previous ? [previous] : [])]);
  const entries = await readdir(modulesRoot).catch(() => [] as string[]);
  await Promise.all(
    entries.filter((e) => !keep.has(e)).map((e) => rm(path.join(modulesRoot, e), { recursive: true, force: true })),
  );
}
