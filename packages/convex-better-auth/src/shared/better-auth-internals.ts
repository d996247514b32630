/**
 * Everything this library relies on in Better Auth (and Convex) that is not
 * a documented public API, in one place. Each entry says where it is used and
 * why no public API does the job; `better-auth-internals.test.ts` probes each
 * one against the installed versions and, when one breaks, fails naming the
 * entry. Everything else goes through public exports (`better-auth`,
 * `better-auth/api`, `/adapters`, `/db`, `/cookies`, `/crypto`, `/plugins`).
 */
export const BETTER_AUTH_INTERNALS = {
  adapterOptionsSpread: {
    what: "createAdapterFactory copies the custom adapter's `options` object onto the adapter Better Auth uses (`adapter.options`).",
    usedBy:
      "src/shared/jwks-prefetch.ts, src/shared/deferred-commits.ts (the token endpoint and registerRoutes reach this adapter's per-request state)",
    why: "Better Auth has no public way for a plugin or the HTTP layer to reach the database adapter's own state.",
  },
  authContextPromise: {
    what: "`auth.$context` resolves to the AuthContext whose `adapter` serves `auth.handler`.",
    usedBy: "src/auth-component/register-routes.ts (flushes deferred commits before the response leaves)",
    why: "The handler exposes no after-request hook outside plugins.",
  },
  nativeJoinsOption: {
    what: "The adapter factory passes `join` to the adapter only when `options.advanced.database.joins` is true.",
    usedBy: "src/auth-component/adapter.ts (turns it on so the component joins in one query)",
    why: "An adapter cannot declare native join support in its config.",
  },
  hookContextFields: {
    what: "After-hooks see `ctx.context.responseHeaders`, `ctx.context.authCookies.sessionToken.name` and `ctx.context.newSession`.",
    usedBy: "src/plugins/convex/follow-session-cookie.ts, bearer-session-hook.ts",
    why: "They are how a plugin learns which session cookie a response sets; there is no event for it.",
  },
  secretConfig: {
    what: "`AuthContext.secretConfig` is the key Better Auth's jwt plugin encrypts private JWKs with (`symmetricEncrypt({ key })`).",
    usedBy: "src/plugins/convex/jwks-store.ts, mint-convex-jwt.ts",
    why: "Keys must stay readable by Better Auth's own jwt plugin, which uses exactly this key.",
  },
  getSessionEndpointCall: {
    what: "The `getSession()` endpoint can be called from inside another endpoint with that endpoint's ctx (`getSession()({ ...ctx, query: { disableCookieCache: true } })`).",
    usedBy: "src/plugins/convex/token-endpoint.ts",
    why: "`auth.api.getSession` is not reachable from a plugin endpoint without building a second request, and the token must follow the same refresh rules.",
  },
  convexTableIndexes: {
    what: "Convex's `TableDefinition[\" indexes\"]()` lists a table's indexes.",
    usedBy: "src/component-api/schema-info.ts (the query planner)",
    why: "Convex exports no public accessor for a schema's indexes.",
  },
} as const;

/** One of {@link BETTER_AUTH_INTERNALS}. */
export type BetterAuthInternal = keyof typeof BETTER_AUTH_INTERNALS;
