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
  /** From now on, defer commits until the next write or {@link DeferredCommits.flush}. */
  enable(): void;
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
