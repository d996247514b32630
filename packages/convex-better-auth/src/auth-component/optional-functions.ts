/**
 * Component functions that a local install written for
 * `@convex-dev/better-auth` does not export: its `adapter.ts` exports only
 * `create, findOne, findMany, updateOne, updateMany, deleteOne, deleteMany`.
 * The client calls the fast function first and, once Convex says it does not
 * exist, answers through the basic ones from then on, with the same results.
 */
export type OptionalFunction = "getAuthUser" | "getSession" | "count" | "consumeOne" | "incrementOne";

/** The missing functions seen per component reference (`components.betterAuth`). */
const missingByComponent = new WeakMap<object, Set<OptionalFunction>>();

/**
 * Whether an error says the called function does not exist. Convex reports
 * "Could not find public function for 'adapter:count'"; convex-test (and so
 * convex-local) "Expected a Convex function exported from module …".
 */
export function isMissingFunctionError(error: unknown, name?: string): boolean {
  const message = error instanceof Error ? error.message : String(error);
  if (name !== undefined && !message.includes(name)) return false;
  return /Could not find (public )?function|Couldn't find function|there is no such export|is not a (public |registered )?function/i.test(
    message,
  );
}

/**
 * Calls `fast`, or `basic` when the component does not export `name`;
 * remembers the answer for the component so the failed call happens once.
 *
 * @example
 * ```ts
 * const user = await withFallback(component, "getAuthUser",
 *   () => ctx.runQuery(component.adapter.getAuthUser, claims),
 *   () => getAuthUserThroughFindOne(ctx, component, claims));
 * ```
 */
export async function withFallback<T>(
  component: object,
  name: OptionalFunction,
  fast: () => Promise<T>,
  basic: () => Promise<T>,
): Promise<T> {
  let missing = missingByComponent.get(component);
  if (missing?.has(name)) return await basic();
  try {
    return await fast();
  } catch (error) {
    if (!isMissingFunctionError(error, name)) throw error;
    if (!missing) missingByComponent.set(component, (missing = new Set()));
    if (!missing.has(name)) {
      missing.add(name);
      console.warn(
        `[convex-better-auth] The component does not export adapter:${name}; using the basic functions instead. ` +
          `Export it from your component's adapter.ts (createApi returns it) for the one-call path.`,
      );
    }
    return await basic();
  }
}
