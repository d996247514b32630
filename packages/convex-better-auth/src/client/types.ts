import type {
  FunctionReference,
  GenericActionCtx,
  GenericDataModel,
  GenericMutationCtx,
  GenericQueryCtx,
} from "convex/server";
import type { ComponentApi } from "../component/_generated/component.js";

/**
 * Any Convex function ctx: query, mutation or action. Better Auth runs in all
 * three; what it may write depends on which one it got.
 */
export type GenericCtx<DataModel extends GenericDataModel = GenericDataModel> =
  | GenericQueryCtx<DataModel>
  | GenericMutationCtx<DataModel>
  | GenericActionCtx<DataModel>;

/** A ctx that can call mutations: a mutation or an action ctx. */
export type RunMutationCtx<DataModel extends GenericDataModel = GenericDataModel> =
  | GenericMutationCtx<DataModel>
  | GenericActionCtx<DataModel>;

/** The `components.betterAuth` reference, from the built-in component or a component folder of your own. */
export type AuthComponentApi = ComponentApi;

/** What the adapter needs from a ctx: the two ways to call the component. */
export type RunCtx = {
  runQuery: (reference: FunctionReference<"query", "internal">, args: any) => Promise<any>;
  runMutation?: (reference: FunctionReference<"mutation", "internal">, args: any) => Promise<any>;
};

/** Your `createAuth(ctx)` function: builds the Better Auth instance for one ctx. */
export type CreateAuth<DataModel extends GenericDataModel = GenericDataModel, Auth = any> = (
  ctx: GenericCtx<DataModel>,
) => Auth;
