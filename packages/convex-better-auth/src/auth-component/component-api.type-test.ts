/**
 * Type tests, checked by `npm run typecheck` (tsc), not run by vitest. They
 * fail to compile when the component's API drifts from what apps rely on:
 * `ComponentApi` is derived from the component functions, so a renamed or
 * dropped function, or a changed argument, shows up here first.
 */
import type { FunctionArgs, FunctionReference, FunctionReturnType } from "convex/server";
import type { ComponentApi } from "../component/_generated/component.js";
import type schema from "../component/schema.js";
import { createClient, type AuthUser } from "./create-client.js";
import type { AuthComponentApi, BasicAdapterApi } from "./types.js";

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectTrue = <T extends true>(): T => true as T;

type Adapter = ComponentApi<"betterAuth">["adapter"];

// Every function the bundled component exports, and nothing else.
expectTrue<
  Equals<
    keyof Adapter,
    | "create"
    | "findOne"
    | "findMany"
    | "count"
    | "updateOne"
    | "updateMany"
    | "deleteOne"
    | "deleteMany"
    | "consumeOne"
    | "incrementOne"
    | "getSession"
    | "getAuthUser"
    | "commitTransaction"
    | "rollbackTransaction"
    | "expireTransaction"
  >
>();

// The app sees them as internal references under the component's name.
expectTrue<Equals<Adapter["getAuthUser"]["_visibility"], "internal">>();
expectTrue<Equals<Adapter["getAuthUser"]["_componentPath"], "betterAuth">>();
expectTrue<Equals<FunctionArgs<Adapter["getAuthUser"]>, { sessionId: string; userId?: string }>>();
expectTrue<Equals<FunctionArgs<Adapter["getSession"]>, { sessionId: string }>>();
expectTrue<Equals<FunctionReturnType<Adapter["count"]>, { count: number; isDone: boolean; continueCursor: string }>>();
expectTrue<Equals<FunctionArgs<Adapter["findOne"]>["where"], FunctionArgs<Adapter["count"]>["where"]>>();

// `components.betterAuth` of the bundled component, and a local install that
// exports only the seven basic functions, are both accepted by createClient.
const bundled = {} as ComponentApi<"betterAuth">;
const localInstall = {} as {
  adapter: { [K in keyof BasicAdapterApi]: FunctionReference<any, "internal", any, any, "betterAuth"> };
};
const accepts = (component: AuthComponentApi) => component;
accepts(bundled);
accepts(localInstall);

// getAuthUser is the typed user document, not any.
const _client = createClient(bundled);
type ClientUser = Awaited<ReturnType<typeof _client.getAuthUser>>;
expectTrue<Equals<ClientUser, AuthUser<typeof schema>>>();
expectTrue<Equals<ClientUser["email"], string>>();
expectTrue<Equals<Awaited<ReturnType<typeof _client.safeGetAuthUser>>, ClientUser | null>>();
expectTrue<Equals<Awaited<ReturnType<typeof _client.getAnyUserById>>, ClientUser | null>>();
