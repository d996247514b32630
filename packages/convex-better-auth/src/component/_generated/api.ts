/* eslint-disable */
/**
 * Generated `api` utility for the betterAuth component.
 * Written to match `npx convex codegen --component-dir`.
 */
import type { ApiFromModules, FilterApi, FunctionReference } from "convex/server";
import { anyApi, componentsGeneric } from "convex/server";
import type * as adapter from "../adapter.js";

declare const fullApi: ApiFromModules<{ adapter: typeof adapter }>;

export const api: FilterApi<typeof fullApi, FunctionReference<any, "public">> = anyApi as any;
export const internal: FilterApi<typeof fullApi, FunctionReference<any, "internal">> = anyApi as any;
export const components = componentsGeneric() as unknown as {};
