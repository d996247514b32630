/**
 * `convex-better-auth/client/plugins`: Better Auth client plugins.
 *
 * @example
 * ```ts
 * import { createAuthClient } from "better-auth/react";
 * import { convexClient, crossDomainClient } from "convex-better-auth/client/plugins";
 *
 * export const authClient = createAuthClient({ plugins: [convexClient()] });
 * // An app on another origin than the Convex site (a Vite SPA):
 * export const spaAuthClient = createAuthClient({
 *   baseURL: import.meta.env.VITE_CONVEX_SITE_URL,
 *   plugins: [convexClient(), crossDomainClient()],
 * });
 * ```
 *
 * @module
 */
export { convexClient } from "./convex-client.js";
export type { SignOutListener, SubscribeToSignOut } from "./sign-out-hooks.js";
export { crossDomainClient, type CrossDomainClientOptions, type CrossDomainStorage } from "./cross-domain-client.js";
export { getCookie, getSetCookie, type StoredCookie } from "./cross-domain-client-cookies.js";
