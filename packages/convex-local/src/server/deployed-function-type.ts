import type { DeployService } from "../deploy/deploy-service.ts";

/**
 * The type of a deployed function from the last push's analysis, or
 * undefined when the path names no deployed function.
 *
 * @example
 * ```ts
 * deployedFunctionType(deploy, "", "messages:send"); // "mutation"
 * ```
 */
export function deployedFunctionType(
  deploy: DeployService,
  componentPath: string,
  udfPath: string,
): "query" | "mutation" | "action" | undefined {
  const state = deploy.deployed();
  const instance = state?.instances.find((i) => i.componentPath === componentPath);
  if (!state || !instance) return undefined;
  const [modulePath, name = "default"] = udfPath.split(":");
  const udfType = state.analysis[instance.definitionPath]?.functions[`${modulePath}.js`]?.functions.find(
    (f) => f.name === name,
  )?.udfType;
  return udfType === undefined ? undefined : (udfType.toLowerCase() as "query" | "mutation" | "action");
}
