/**
 * `convex-better-auth/client/plugins`: Better Auth client plugins.
 *
 * @example
 * ```ts
 * import { createAuthClient } from "better-auth/react";
 * import { convexClient } from "convex-better-auth/client/plugins";
 *
 * export const authClient = createAuthClient({ plugins: [convexClient()] });
 * ```
 *
 * @module
 */
export { convexClient } from "./convex-client.js";
