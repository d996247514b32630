/**
 * How the `convex()` plugin's token endpoint and this library's adapter save
 * a component call: the endpoint asks the adapter (through its `options`,
 * which Better Auth's adapter factory exposes) to read the `jwks` rows in
 * the same component query as the session lookup, then takes them instead
 * of querying the `jwks` table again. With any other adapter the option is
 * absent and the plugin reads the table as usual.
 */
export type JwksPrefetch = {
  /** Read the `jwks` rows along with the next session lookup of this request. */
  request(): void;
  /** The rows read that way, once; undefined if there are none to take (then read the table). */
  take(): Record<string, unknown>[] | undefined;
};

/** The key of {@link JwksPrefetch} in the adapter's `options`. */
export const JWKS_PREFETCH_OPTION = "convexJwksPrefetch";

/** More `jwks` rows than this and the prefetch is skipped: the plugin reads the table itself. */
export const JWKS_PREFETCH_LIMIT = 64;

/**
 * The prefetch of an adapter, if it offers one.
 *
 * @example
 * ```ts
 * jwksPrefetchOf(ctx.context.adapter)?.request();
 * ```
 */
export function jwksPrefetchOf(adapter: unknown): JwksPrefetch | undefined {
  const options = (adapter as { options?: Record<string, unknown> } | undefined)?.options;
  const prefetch = options?.[JWKS_PREFETCH_OPTION] as JwksPrefetch | undefined;
  return typeof prefetch?.request === "function" && typeof prefetch.take === "function" ? prefetch : undefined;
}
