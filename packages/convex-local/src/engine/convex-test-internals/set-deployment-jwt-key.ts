/**
 * Presetting the key convex-test signs `ctx.auth.signJwt` tokens with.
 */
import type { DeploymentJwtKey, InternalGlobal } from "./types.ts";

/**
 * Makes `ctx.auth.signJwt` of this instance sign with `key` instead of a
 * generated, non-extractable one (convex-test only generates when unset).
 *
 * @example
 * setDeploymentJwtKey(instance.global, key);
 */
export function setDeploymentJwtKey(global: InternalGlobal, key: DeploymentJwtKey): void {
  global.deploymentJwtKey = Promise.resolve(key);
}
