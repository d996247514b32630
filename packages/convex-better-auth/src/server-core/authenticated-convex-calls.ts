import type { FunctionReference, FunctionReturnType, OptionalRestArgs } from "convex/server";

/**
 * The authenticated Convex calls every framework adapter returns: each runs
 * the function as the user whose session the current request carries.
 *
 * @example
 * ```ts
 * const calls: AuthenticatedConvexCalls = convexBetterAuthNextJs(options);
 * await calls.fetchAuthMutation(api.users.updateUserPassword, { currentPassword, newPassword });
 * ```
 */
export type AuthenticatedConvexCalls = {
  /** A Convex query as the signed-in user. */
  fetchAuthQuery: <Query extends FunctionReference<"query">>(
    query: Query,
    ...args: OptionalRestArgs<Query>
  ) => Promise<FunctionReturnType<Query>>;
  /** A Convex mutation as the signed-in user. */
  fetchAuthMutation: <Mutation extends FunctionReference<"mutation">>(
    mutation: Mutation,
    ...args: OptionalRestArgs<Mutation>
  ) => Promise<FunctionReturnType<Mutation>>;
  /** A Convex action as the signed-in user. */
  fetchAuthAction: <Action extends FunctionReference<"action">>(
    action: Action,
    ...args: OptionalRestArgs<Action>
  ) => Promise<FunctionReturnType<Action>>;
};
