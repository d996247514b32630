/**
 * The `_generated/api` both apps share, in the shape `npx convex codegen`
 * writes (untyped: the bench calls functions by name). convex-test also
 * needs a module key containing `_generated` to find the app's root.
 */
import { anyApi, componentsGeneric } from "convex/server";

export const api = anyApi;
export const internal = anyApi;
export const components = componentsGeneric() as any;
