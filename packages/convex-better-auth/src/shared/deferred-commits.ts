/**
 * How `registerRoutes` lets this library's adapter commit Better Auth
 * transactions without a component call of their own: while a request is
 * served, a transaction whose callback succeeded is not committed at once;
 * its commit rides on the next write of the request (in the same Convex
 * mutation, so a crash leaves both or neither), and whatever is still
 * pending when the response is ready is committed then. Outside
 * `registerRoutes` (auth.api calls in Convex functions) transactions commit
 * as they end.
 */
export type DeferredCommits = {
  /**
   * From now on, defer commits until the next write or
   * {@link DeferredCommits.flush}; with a final write, a transaction commits
   * with that write instead (see {@link finalWriteOf}).
   */
  enable(finalWrite?: FinalWrite): void;
  /** Commits whatever is still pending; call before the response leaves. */
  flush(): Promise<void>;
};

/** The key of {@link DeferredCommits} in the adapter's `options`. */
export const DEFERRED_COMMITS_OPTION = "convexDeferredCommits";

/**
 * The deferred commits of an adapter, if it offers them.
 *
 * @example
 * ```ts
 * deferredCommitsOf((await auth.$context).adapter)?.enable();
 * ```
 */
export function deferredCommitsOf(adapter: unknown): DeferredCommits | undefined {
  const options = (adapter as { options?: Record<string, unknown> } | undefined)?.options;
  const commits = options?.[DEFERRED_COMMITS_OPTION] as DeferredCommits | undefined;
  return typeof commits?.enable === "function" && typeof commits.flush === "function" ? commits : undefined;
}

/** The write a Better Auth endpoint's transaction is known to end with. */
export type FinalWrite = { model: string; action: "create" };

/**
 * Endpoints whose transaction ends with a known write. That write commits the
 * transaction in its own mutation ("provisionally": the undo stays until the
 * transaction's timeout, so a throw after it still rolls back, and a further
 * write reopens the transaction), which saves the request its commit call.
 * Better Auth 1.7's sign-up ends its transaction with `createSession`
 * followed only by `setSessionCookie`; `adapter.transaction.test.ts` counts
 * sign-up's component calls and fails if a later write appears.
 */
const FINAL_WRITES: ReadonlyMap<string, FinalWrite> = new Map([
  ["/sign-up/email", { model: "session", action: "create" }],
]);

/**
 * The final write of the endpoint at `pathname` (under `basePath`), if known.
 *
 * @example
 * ```ts
 * finalWriteOf("/api/auth/sign-up/email", "/api/auth"); // { model: "session", action: "create" }
 * ```
 */
export function finalWriteOf(pathname: string, basePath: string): FinalWrite | undefined {
  const base = basePath.replace(/\/$/, "");
  if (!pathname.startsWith(`${base}/`)) return undefined;
  return FINAL_WRITES.get(pathname.slice(base.length));
}
