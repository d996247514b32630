/**
 * `convex-better-auth/adapter`: the bundled component's database functions
 * (`create`, `findOne`, `findMany`, …), for code that calls them directly
 * or re-exports them, as apps written for `@convex-dev/better-auth/adapter` do.
 *
 * @example
 * ```ts
 * import { findOne } from "convex-better-auth/adapter";
 * ```
 * @module
 */
export * from "../component/adapter.js";
