/**
 * convex-better-auth/nextjs/client: client hooks for data preloaded with
 * `preloadAuthQuery` from `convex-better-auth/nextjs`.
 *
 * @example
 * ```tsx
 * "use client";
 * import { usePreloadedAuthQuery } from "convex-better-auth/nextjs/client";
 *
 * const user = usePreloadedAuthQuery(preloadedUser);
 * ```
 * @module
 */
export { usePreloadedAuthQuery } from "./use-preloaded-auth-query.js";
