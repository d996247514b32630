import type { GenericActionCtx, GenericDataModel, GenericMutationCtx, GenericQueryCtx } from "convex/server";
import { convexBetterAuthError } from "../shared/errors.js";
import type { GenericCtx, RunMutationCtx } from "../auth-component/types.js";

// Set and not null: a ctx object spread or proxied by a wrapper may carry
// the key with an undefined value.
function has(ctx: unknown, key: string): boolean {
  return typeof ctx === "object" && ctx !== null && (ctx as Record<string, unknown>)[key] != null;
}

/**
 * True for a query ctx: it has `ctx.db` and no `ctx.scheduler`. A mutation
 * ctx is **not** a query ctx here; test {@link isMutationCtx} for that, or
 * `"db" in ctx` when any ctx that can read the database will do.
 *
 * @example
 * ```ts
 * if (isQueryCtx(ctx)) {
 *   // Read-only: no writes, no scheduling.
 *   return await ctx.db.query("messages").take(10);
 * }
 * ```
 */
export function isQueryCtx<DataModel extends GenericDataModel>(
  ctx: GenericCtx<DataModel>,
): ctx is GenericQueryCtx<DataModel> {
  return has(ctx, "db") && !has(ctx, "scheduler");
}

/**
 * True for a mutation ctx: it has both `ctx.db` and `ctx.scheduler`.
 *
 * @example
 * ```ts
 * if (isMutationCtx(ctx)) {
 *   await ctx.db.insert("auditLog", { event: "signIn", at: Date.now() });
 * }
 * ```
 */
export function isMutationCtx<DataModel extends GenericDataModel>(
  ctx: GenericCtx<DataModel>,
): ctx is GenericMutationCtx<DataModel> {
  return has(ctx, "db") && has(ctx, "scheduler");
}

/**
 * True for an action ctx: it has `ctx.runAction` and no `ctx.db`. An HTTP
 * action ctx has exactly the same shape, so it counts as an action ctx too;
 * that is where Better Auth's routes, hooks and email senders run.
 *
 * @example
 * ```ts
 * if (isActionCtx(ctx)) {
 *   await resend.sendEmail(ctx, { to: user.email, subject, html });
 * }
 * ```
 */
export function isActionCtx<DataModel extends GenericDataModel>(
  ctx: GenericCtx<DataModel>,
): ctx is GenericActionCtx<DataModel> {
  return has(ctx, "runAction") && !has(ctx, "db");
}

/**
 * True for a ctx that can call mutations (`ctx.runMutation`): a mutation, an
 * action or an HTTP action ctx. Only a query ctx is left out.
 *
 * @example
 * ```ts
 * if (isRunMutationCtx(ctx)) {
 *   await ctx.runMutation(internal.audit.log, { event: "signIn" });
 * }
 * ```
 */
export function isRunMutationCtx<DataModel extends GenericDataModel>(
  ctx: GenericCtx<DataModel>,
): ctx is RunMutationCtx<DataModel> {
  return has(ctx, "runMutation");
}

// Names what the caller actually passed, so the error says both sides.
function describeCtx(ctx: unknown): string {
  if (typeof ctx !== "object" || ctx === null) return `${ctx === null ? "null" : typeof ctx}, not a Convex ctx`;
  if (has(ctx, "db")) return has(ctx, "scheduler") ? "a mutation ctx" : "a query ctx";
  if (has(ctx, "runAction")) return "an action or HTTP action ctx";
  return "an object that is not a Convex ctx";
}

function wrongCtx(helper: string, needed: string, ctx: unknown, missing: string, advice: string) {
  const given = describeCtx(ctx);
  return convexBetterAuthError("WRONG_CTX", `${helper} needs ${needed} but got ${given} (${missing}). ${advice}`, {
    helper,
    needed,
    given,
  });
}

/**
 * Returns `ctx` typed as a query ctx, or throws a `ConvexError` with code
 * `WRONG_CTX` when it is a mutation, action or HTTP action ctx.
 *
 * @example
 * ```ts
 * export const listMine = query({
 *   handler: async (ctx) => {
 *     const queryCtx = requireQueryCtx(ctx);
 *     return await queryCtx.db.query("notes").take(20);
 *   },
 * });
 * ```
 */
export function requireQueryCtx<DataModel extends GenericDataModel>(
  ctx: GenericCtx<DataModel>,
): GenericQueryCtx<DataModel> {
  if (isQueryCtx(ctx)) return ctx;
  const missing = has(ctx, "db") ? "ctx.scheduler is present" : "ctx.db is missing";
  throw wrongCtx(
    "requireQueryCtx",
    "a query ctx",
    ctx,
    missing,
    "Call this from a query, or reach a query with ctx.runQuery.",
  );
}

/**
 * Returns `ctx` typed as a mutation ctx, or throws a `ConvexError` with code
 * `WRONG_CTX`. Better Auth hooks and senders run in the HTTP action that
 * serves the auth route, which has no `ctx.db`: from there, write through
 * `ctx.runMutation` (see {@link requireRunMutationCtx}).
 *
 * @example
 * ```ts
 * const mutationCtx = requireMutationCtx(ctx);
 * await mutationCtx.db.insert("profiles", { userId: user.id });
 * ```
 */
export function requireMutationCtx<DataModel extends GenericDataModel>(
  ctx: GenericCtx<DataModel>,
): GenericMutationCtx<DataModel> {
  if (isMutationCtx(ctx)) return ctx;
  const missing = has(ctx, "db") ? "ctx.scheduler is missing" : "ctx.db is missing";
  throw wrongCtx(
    "requireMutationCtx",
    "a mutation ctx",
    ctx,
    missing,
    "Call this from a mutation; from an action or HTTP action, call a mutation with ctx.runMutation instead.",
  );
}

/**
 * Returns `ctx` typed as an action ctx (an HTTP action ctx passes too), or
 * throws a `ConvexError` with code `WRONG_CTX`. Use it before calling
 * something that only works in an action, such as sending email through the
 * Resend component.
 *
 * @example
 * ```ts
 * sendVerificationEmail: async ({ user, url }) => {
 *   await resend.sendEmail(requireActionCtx(ctx), { to: user.email, subject: "Verify", html: url });
 * },
 * ```
 */
export function requireActionCtx<DataModel extends GenericDataModel>(
  ctx: GenericCtx<DataModel>,
): GenericActionCtx<DataModel> {
  if (isActionCtx(ctx)) return ctx;
  const missing = has(ctx, "db") ? "ctx.runAction is missing and ctx.db is present" : "ctx.runAction is missing";
  throw wrongCtx(
    "requireActionCtx",
    "an action ctx",
    ctx,
    missing,
    "Call this from an action or HTTP action; from a mutation, schedule an action with ctx.scheduler.runAfter(0, ...).",
  );
}

/**
 * Returns `ctx` typed as a ctx that can call mutations (mutation, action or
 * HTTP action), or throws a `ConvexError` with code `WRONG_CTX` for a query
 * ctx, which cannot write.
 *
 * @example
 * ```ts
 * await requireRunMutationCtx(ctx).runMutation(internal.audit.log, { event: "signIn" });
 * ```
 */
export function requireRunMutationCtx<DataModel extends GenericDataModel>(
  ctx: GenericCtx<DataModel>,
): RunMutationCtx<DataModel> {
  if (isRunMutationCtx(ctx)) return ctx;
  throw wrongCtx(
    "requireRunMutationCtx",
    "a mutation, action or HTTP action ctx",
    ctx,
    "ctx.runMutation is missing",
    "Queries cannot write: call this from a mutation or an action.",
  );
}
