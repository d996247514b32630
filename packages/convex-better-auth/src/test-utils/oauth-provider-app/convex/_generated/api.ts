/* eslint-disable */
/** Generated `api` utility, in the shape `npx convex codegen` writes. */
import type { ApiFromModules, FilterApi, FunctionReference } from "convex/server";
import { anyApi, componentsGeneric } from "convex/server";
import type * as auth from "../auth.js";
import type * as http from "../http.js";
import type * as identity from "../identity.js";

declare const fullApi: ApiFromModules<{ auth: typeof auth; http: typeof http; identity: typeof identity }>;

export const api: FilterApi<typeof fullApi, FunctionReference<any, "public">> = anyApi as any;
export const internal: FilterApi<typeof fullApi, FunctionReference<any, "internal">> = anyApi as any;

export const components = componentsGeneric() as unknown as {
  betterAuth: import("convex-better-auth/_generated/component.js").ComponentApi<"betterAuth">;
};
