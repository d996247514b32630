import type { BetterAuthPlugin, HookEndpointContext } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import { EXPO_ORIGIN_HEADER } from "./headers.js";
import { absoluteOnSite, isSitePath, siteFor, type SiteUrls } from "./site-urls.js";

type BeforeHook = NonNullable<NonNullable<BetterAuthPlugin["hooks"]>["before"]>[number];

/**
 * Endpoints that send the browser somewhere afterwards and, without a
 * `callbackURL`, would send it to the Convex site, which serves no pages.
 * Better Auth 1.7 serves generic OAuth through `/sign-in/social` too; the
 * prior art's `/sign-in/oauth2` no longer exists.
 */
const DEFAULT_CALLBACK_PATHS = ["/sign-in/social", "/sign-in/magic-link", "/send-verification-email"];

/** Fields that name where a flow ends, in bodies and in query strings. */
const REDIRECT_FIELDS = ["callbackURL", "newUserCallbackURL", "errorCallbackURL", "redirectTo"] as const;

/**
 * Whether a request comes from a native app through `@better-auth/expo`,
 * which stores cookies itself and uses app-scheme callback URLs.
 *
 * @example
 * ```ts
 * if (isExpoNative(ctx)) return;
 * ```
 */
export function isExpoNative(ctx: Pick<HookEndpointContext, "headers" | "request">): boolean {
  return Boolean(ctx.headers?.has(EXPO_ORIGIN_HEADER) || ctx.request?.headers.has(EXPO_ORIGIN_HEADER));
}

function requestOrigin(ctx: Pick<HookEndpointContext, "headers" | "request">): string | null {
  return ctx.headers?.get("origin") ?? ctx.request?.headers.get("origin") ?? null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function rewritten(fields: Record<string, unknown>, site: string): Record<string, unknown> | undefined {
  let changed: Record<string, unknown> | undefined;
  for (const field of REDIRECT_FIELDS) {
    if (!isSitePath(fields[field])) continue;
    changed ??= { ...fields };
    changed[field] = absoluteOnSite(fields[field], site);
  }
  return changed;
}

/**
 * The before-hook that points every redirect of a flow at the site instead
 * of the Convex site that serves Better Auth:
 *
 * - `callbackURL` defaults to the site for `/sign-in/social` (OAuth,
 *   including generic OAuth), `/sign-in/magic-link` and
 *   `/send-verification-email`;
 * - relative `callbackURL`, `newUserCallbackURL`, `errorCallbackURL` and
 *   `redirectTo` (password reset), in bodies and query strings (the links in
 *   emails), become absolute on the site.
 *
 * The site is the one the request's `Origin` names, else the first. Paths
 * only: absolute and protocol-relative URLs are left to Better Auth's
 * origin check. Native Expo requests are left alone.
 *
 * @example
 * ```ts
 * const plugin = { id: "cross-domain", hooks: { before: [createCallbackUrlHook(getSites)] } };
 * ```
 */
export function createCallbackUrlHook(getSites: () => SiteUrls): BeforeHook {
  return {
    matcher: (ctx) => !isExpoNative(ctx) && (isRecord(ctx.body) || isRecord(ctx.query)),
    handler: createAuthMiddleware(async (ctx) => {
      const site = siteFor(getSites(), requestOrigin(ctx));
      const context: { body?: Record<string, unknown>; query?: Record<string, unknown> } = {};
      if (isRecord(ctx.body)) {
        const needsDefault = !ctx.body.callbackURL && DEFAULT_CALLBACK_PATHS.some((path) => ctx.path?.startsWith(path));
        const body = needsDefault ? { ...ctx.body, callbackURL: site } : ctx.body;
        const changed = rewritten(body, site) ?? (needsDefault ? body : undefined);
        if (changed) context.body = changed;
      }
      if (isRecord(ctx.query)) {
        const changed = rewritten(ctx.query, site);
        if (changed) context.query = changed;
      }
      if (!context.body && !context.query) return;
      return { context };
    }),
  };
}
