/* eslint-disable */
/**
 * Generated `api` utility, in the shape `npx convex codegen` writes for an
 * app with the bundled betterAuth component and a local install.
 */
import type { ApiFromModules, FilterApi, FunctionReference } from "convex/server";
import { anyApi, componentsGeneric } from "convex/server";
import type * as auth from "../auth.js";
import type * as http from "../http.js";
import type * as localAuth from "../local-auth.js";
import type * as users from "../users.js";
import type * as localAdapter from "../betterAuth/adapter.js";
import type * as localUsers from "../betterAuth/users.js";

declare const fullApi: ApiFromModules<{ auth: typeof auth; http: typeof http; "local-auth": typeof localAuth; users: typeof users }>;

export const api: FilterApi<typeof fullApi, FunctionReference<any, "public">> = anyApi as any;
export const internal: FilterApi<typeof fullApi, FunctionReference<any, "internal">> = anyApi as any;

/** A component's public functions as the app sees them: internal references under its name. */
type ComponentFunctions<Modules, Name extends string> = {
  [M in keyof Modules]: {
    [F in keyof Modules[M]]: Modules[M][F] extends FunctionReference<infer Type, any, infer Args, infer Returns>
      ? FunctionReference<Type, "internal", Args, Returns, Name>
      : never;
  };
};

export const components = componentsGeneric() as unknown as {
  betterAuth: import("convex-better-auth/_generated/component.js").ComponentApi<"betterAuth">;
  localAuth: ComponentFunctions<
    FilterApi<ApiFromModules<{ adapter: typeof localAdapter; users: typeof localUsers }>, FunctionReference<any, "public">>,
    "localAuth"
  >;
};
