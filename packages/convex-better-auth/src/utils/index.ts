/**
 * convex-better-auth/utils: ctx guards and the ctx types Better Auth code
 * running inside Convex needs.
 *
 * @example
 * ```ts
 * import { requireActionCtx, type GenericCtx } from "convex-better-auth/utils";
 * ```
 * @module
 */
export {
  isActionCtx,
  isMutationCtx,
  isQueryCtx,
  isRunMutationCtx,
  requireActionCtx,
  requireMutationCtx,
  requireQueryCtx,
  requireRunMutationCtx,
} from "./ctx-guards.js";
export type { CreateAuth, EventFunction, GenericCtx, RunMutationCtx } from "../auth-component/types.js";
