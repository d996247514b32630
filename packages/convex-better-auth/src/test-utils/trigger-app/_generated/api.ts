/* eslint-disable */
/** Untyped `api` utility of a small test app, as codegen writes for untyped apps. */
import { anyApi, componentsGeneric } from "convex/server";
import type { ComponentApi } from "../../../component/_generated/component.js";

export const api = anyApi;
export const internal = anyApi;
export const components = componentsGeneric() as unknown as { betterAuth: ComponentApi<"betterAuth"> };
