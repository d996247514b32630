import { ConvexHttpClient } from "convex/browser";
import type { FunctionReference, FunctionReturnType, OptionalRestArgs } from "convex/server";
import { callWithConvexToken, type ConvexCallKind } from "./call-with-convex-token.js";
import type { ConvexTokenResult } from "./convex-token-getter.js";

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

/**
 * What {@link createAuthenticatedConvexCalls} needs from an adapter.
 *
 * @internal
 */
export type AuthenticatedConvexCallsOptions = {
  /** The `.convex.cloud` deployment URL. */
  convexUrl: string;
  /** The current request's token; `forceRefresh` skips the cookie. */
  getToken: (options: { forceRefresh: boolean }) => Promise<ConvexTokenResult | undefined>;
  isAuthError: (error: unknown) => boolean;
  rethrow?: (error: unknown) => void;
  /** The `fetch` Convex calls go through (the global one by default). */
  fetch?: typeof fetch;
};

/**
 * Build `fetchAuthQuery` / `fetchAuthMutation` / `fetchAuthAction` on
 * `ConvexHttpClient`, with the retry rules of `callWithConvexToken`. Each
 * call gets its own client, so a token never leaks to another request, and
 * the client's `fetch` is the attempt's, which is how a 401 refusal (the
 * function did not run) is told apart from an error the function threw.
 *
 * @example
 * ```ts
 * const calls = createAuthenticatedConvexCalls({
 *   convexUrl: resolved.convexUrl,
 *   getToken: ({ forceRefresh }) => getter(request.headers, { forceRefresh }),
 *   isAuthError: isConvexAuthError,
 * });
 * await calls.fetchAuthQuery(api.users.me);
 * ```
 */
export function createAuthenticatedConvexCalls(options: AuthenticatedConvexCallsOptions): AuthenticatedConvexCalls {
  const run = <T>(kind: ConvexCallKind, call: (client: ConvexHttpClient) => Promise<T>): Promise<T> =>
    callWithConvexToken(
      options.getToken,
      ({ token, fetch }) => {
        const client = new ConvexHttpClient(options.convexUrl, { fetch });
        if (token) client.setAuth(token);
        return call(client);
      },
      {
        kind,
        isAuthError: options.isAuthError,
        ...(options.rethrow ? { rethrow: options.rethrow } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      },
    );
  return {
    fetchAuthQuery: (query, ...args) => run("query", (client) => client.query(query, ...args)),
    fetchAuthMutation: (mutation, ...args) => run("mutation", (client) => client.mutation(mutation, ...args)),
    fetchAuthAction: (action, ...args) => run("action", (client) => client.action(action, ...args)),
  };
}
