/* eslint-disable */
/**
 * Generated `api` utility, in the shape `npx convex codegen` writes for an
 * app that uses the betterAuth component.
 */
import type { ApiFromModules, FilterApi, FunctionReference } from "convex/server";
import { anyApi, componentsGeneric } from "convex/server";
import type * as auth from "../auth.js";
import type * as http from "../http.js";

declare const fullApi: ApiFromModules<{ auth: typeof auth; http: typeof http }>;

export const api: FilterApi<typeof fullApi, FunctionReference<any, "public">> = anyApi as any;
export const internal: FilterApi<typeof fullApi, FunctionReference<any, "internal">> = anyApi as any;

export const components = componentsGeneric() as unknown as {
  betterAuth: import("convex-better-auth/_generated/component.js").ComponentApi<"betterAuth">;
};
