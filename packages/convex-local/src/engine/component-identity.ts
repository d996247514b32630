/**
 * Which user identity a function called by another function sees, as on
 * Convex:
 *
 * - Called from a query or mutation, it runs in the caller's transaction and
 *   sees the caller's identity, in whatever component it lives (the backend
 *   reads `getUserIdentity()` from the transaction).
 * - Called from an action, it sees the action's identity only when both are
 *   functions of the app; into, out of or within a component it sees none
 *   (`propagate_component_auth`: an action's calls get `Identity::Unknown`
 *   unless caller and callee are both root, or the caller is a deployment
 *   admin, which never carries a user identity).
 *
 * convex-test drops the identity at every component boundary, from any
 * caller, and keeps it within one: a component's query called by the app's
 * query saw no user, while on Convex it does.
 *
 * How: every query, mutation and action handler runs with a frame of its own
 * (component, kind, the auth it was given) in an AsyncLocalStorage, and the
 * ctx's `runQuery`/`runMutation`/`runAction` mark the calls they make with
 * it. A called handler finds its caller's frame on that mark and takes its
 * identity from there. Scheduled functions and HTTP actions carry no mark, so
 * convex-test's own auth stays theirs.
 */
import { AsyncLocalStorage } from "node:async_hooks";

type UdfType = "query" | "mutation" | "action";

type Auth = { getUserIdentity(): Promise<unknown> };

/** One running handler. */
type Frame = { componentPath: string; udfType: UdfType; auth: Auth };

type RegisteredFunction = {
  isQuery?: unknown;
  isMutation?: unknown;
  isAction?: unknown;
  _handler?: unknown;
  [SCOPED]?: true;
};

const SCOPED = Symbol.for("convex-local.componentIdentityScoped");
const NESTED_CALLS = ["runQuery", "runMutation", "runAction"] as const;
/** The caller whose nested call is starting: set by the call, cleared for the callee's own work. */
const frames = new AsyncLocalStorage<Frame | null>();
const NO_IDENTITY: Auth = { getUserIdentity: () => Promise.resolve(null) };

function udfTypeOf(fn: RegisteredFunction): UdfType | null {
  if (fn.isQuery === true) return "query";
  if (fn.isMutation === true) return "mutation";
  if (fn.isAction === true) return "action";
  return null;
}

/**
 * Where a function called by `caller` gets its identity from: the caller's
 * transaction for queries and mutations; for actions, the caller only when
 * both are the app's.
 */
function identitySource(caller: Frame, calleeComponentPath: string): Auth {
  if (caller.udfType !== "action") return caller.auth;
  return caller.componentPath === "" && calleeComponentPath === "" ? caller.auth : NO_IDENTITY;
}

/** `auth` (keeping everything else it offers, e.g. `signJwt`) answering `getUserIdentity` from `source`. */
function authFrom(auth: Auth, source: Auth): Auth {
  const derived = Object.create(auth) as Auth;
  derived.getUserIdentity = () => source.getUserIdentity();
  return derived;
}

/** `ctx` whose nested calls carry `self` as their caller. */
function markingCalls<Ctx extends object>(ctx: Ctx, self: Frame): Ctx {
  const marked: Record<string, unknown> = {};
  for (const name of NESTED_CALLS) {
    const call = (ctx as Record<string, unknown>)[name];
    if (typeof call !== "function") continue;
    marked[name] = (...args: unknown[]) => frames.run(self, () => (call as (...a: unknown[]) => unknown)(...args));
  }
  return { ...ctx, ...marked };
}

/**
 * Makes every query, mutation and action `module` exports see the user
 * identity Convex gives it when another function calls it (see the module
 * comment); called by a client, a scheduler or an HTTP action, it keeps the
 * identity convex-test gives it. Idempotent per function object.
 *
 * @example
 * scopeIdentityToCaller(await import(file), "betterAuth");
 */
export function scopeIdentityToCaller(module: Record<string, unknown>, componentPath: string): void {
  for (const exported of Object.values(module)) {
    if (typeof exported !== "function" && (typeof exported !== "object" || exported === null)) continue;
    const fn = exported as RegisteredFunction;
    const udfType = udfTypeOf(fn);
    if (udfType === null || typeof fn._handler !== "function" || fn[SCOPED]) continue;
    const handler = fn._handler as (ctx: object, args: unknown) => unknown;
    fn._handler = (ctx: object & { auth?: Auth }, args: unknown) => {
      const caller = frames.getStore() ?? null;
      const given = ctx.auth ?? NO_IDENTITY;
      const auth = caller === null ? given : authFrom(given, identitySource(caller, componentPath));
      const self: Frame = { componentPath, udfType, auth };
      // The handler's own work (and what it schedules) runs unmarked; only its nested calls are marked.
      return frames.run(null, () => handler(markingCalls({ ...ctx, auth }, self), args));
    };
    fn[SCOPED] = true;
  }
}
