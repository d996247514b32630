import type { BetterAuthClientPlugin } from "better-auth/client";
import type { convex } from "../../plugins/convex/convex-plugin.js";
import { CONVEX_ERROR_CODES } from "../../plugins/convex/error-codes.js";
import { createSignOutHooks } from "./sign-out-hooks.js";

// Named through better-auth's own types, so the declarations do not import
// @better-fetch/fetch, which only better-auth depends on.
type FetchPlugins = NonNullable<BetterAuthClientPlugin["fetchPlugins"]>;

/**
 * The Better Auth client plugin paired with the `convex()` server plugin.
 *
 * It is almost all types: it gives the client `authClient.convex.token()` for
 * `GET /convex/token` and `authClient.convex.jwks()` for `GET /convex/jwks`,
 * and adds the plugin's error codes to `authClient.$ERROR_CODES`. Importing it
 * pulls no server code into the client bundle.
 *
 * It also gives `authClient.convex.onSignOut(listener)`, which
 * `ConvexBetterAuthProvider` uses to stop authenticated Convex queries before
 * `authClient.signOut()` ends the session (a `/sign-out` request waits for
 * its listeners, at most 2 s).
 *
 * @returns The client plugin, id `"convex"`.
 *
 * @example
 * ```ts
 * import { createAuthClient } from "better-auth/react";
 * import { convexClient } from "convex-better-auth/client/plugins";
 *
 * export const authClient = createAuthClient({ plugins: [convexClient()] });
 * const { data } = await authClient.convex.token();
 * ```
 */
export const convexClient = () => {
  // Per client: the provider of one app listens to its own sign-outs.
  const signOutHooks = createSignOutHooks();
  return {
    id: "convex",
    $InferServerPlugin: {} as ReturnType<typeof convex>,
    $ERROR_CODES: CONVEX_ERROR_CODES,
    // Both routes are GET; without the hint a call with options would be sent as POST.
    pathMethods: {
      "/convex/token": "GET",
      "/convex/jwks": "GET",
    },
    fetchPlugins: [signOutHooks.fetchPlugin] as FetchPlugins,
    getActions: () => ({ convex: { onSignOut: signOutHooks.onSignOut } }),
  } satisfies BetterAuthClientPlugin;
};
