import path from "node:path";
import type { AppDeployment, AuthProviderConfig, CronSpec } from "../engine/types.ts";
import type { ComponentInstance } from "./build-checked-app.ts";
import type { AuthInfo, EvaluatedComponentDefinition } from "./push-types.ts";

/**
 * The directory of one component instance's modules for a version:
 * `<modulesRoot>/<version>/<instance index>`. Instances get their own
 * directory even when they share a definition, so each has its own module
 * instances (module-level state) in the engine.
 *
 * @example
 * ```ts
 * instanceModulesDir("/data/modules", "v3", 1); // "/data/modules/v3/1"
 * ```
 */
export function instanceModulesDir(modulesRoot: string, version: string, index: number): string {
  return path.join(modulesRoot, version, String(index));
}

/**
 * Builds the engine's view of a pushed app from the analysis: one
 * `ComponentDeployment` per instance, the root's auth providers and crons.
 * `modulesDirOf` says where each instance's files are (the versioned
 * directory once committed, the staging directory while validating).
 *
 * @example
 * ```ts
 * const app = buildAppDeployment({
 *   version: "v3", instances, analysis, appAuth,
 *   modulesDirOf: (_, index) => instanceModulesDir(modulesRoot, "v3", index),
 * });
 * await engine.deploy(app);
 * ```
 */
export function buildAppDeployment(options: {
  version: string;
  instances: ComponentInstance[];
  analysis: Record<string, EvaluatedComponentDefinition>;
  appAuth: AuthInfo[];
  modulesDirOf: (instance: ComponentInstance, index: number) => string;
}): AppDeployment {
  const { version, instances, analysis, appAuth, modulesDirOf } = options;
  return {
    version,
    components: instances.map((instance, index) => {
      const evaluated = analysis[instance.definitionPath];
      return {
        componentPath: instance.componentPath,
        definitionPath: instance.definitionPath,
        modulesDir: modulesDirOf(instance, index),
        modules: Object.keys(evaluated.functions).sort(),
        hasSchema: evaluated.schema !== null && evaluated.schema !== undefined,
      };
    }),
    authConfig: appAuth.map(toProviderConfig),
    crons: rootCrons(analysis[""]),
  };
}

function toProviderConfig(info: AuthInfo): AuthProviderConfig {
  if ("type" in info) {
    return {
      type: "customJwt",
      applicationID: info.applicationID,
      issuer: info.issuer,
      jwks: info.jwks,
      algorithm: info.algorithm as "RS256" | "ES256",
    };
  }
  return { applicationID: info.applicationID, domain: info.domain };
}

function rootCrons(root: EvaluatedComponentDefinition | undefined): CronSpec[] {
  const specs = root?.functions["crons.js"]?.cronSpecs ?? [];
  return specs.map(({ identifier, spec }) => ({
    identifier,
    udfPath: spec.name,
    args: spec.args,
    schedule: spec.schedule,
  }));
}
