import { createAuthMiddleware } from "better-auth/api";
import type { BetterAuthPlugin } from "better-auth";
import { jwksPrefetchOf } from "../../shared/jwks-prefetch.js";
import type { ResolvedConvexOptions } from "./resolve-options.js";

/**
 * Endpoints that create a session, and so mint a `convex_jwt` in the
 * after-hook. A path missing here costs one component call, never
 * correctness: the after-hook then reads the keys itself.
 */
const SESSION_CREATING_PATHS = [
  "/sign-in/",
  "/sign-up/",
  "/callback/",
  "/oauth2/callback/",
  "/magic-link/verify",
  "/email-otp/verify-email",
  "/phone-number/verify",
  "/two-factor/verify-",
  "/passkey/verify-authentication",
  "/one-time-token/verify",
  "/siwe/verify",
  "/verify-email",
];

/**
 * The before-hook that asks this library's adapter to read the signing keys
 * in the same component call that creates (or looks up) the session, so
 * minting the `convex_jwt` cookie costs no call of its own.
 *
 * @example
 * ```ts
 * const plugin = { id: "convex", hooks: { before: [createPrefetchSigningKeysHook(resolved)] } };
 * ```
 */
export function createPrefetchSigningKeysHook(
  resolved: ResolvedConvexOptions,
): NonNullable<NonNullable<BetterAuthPlugin["hooks"]>["before"]>[number] {
  return {
    matcher: (context) =>
      !resolved.staticJwks && SESSION_CREATING_PATHS.some((prefix) => (context.path ?? "").startsWith(prefix)),
    handler: createAuthMiddleware(async (ctx) => {
      jwksPrefetchOf(ctx.context.adapter)?.request();
    }),
  };
}
