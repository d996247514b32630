"use client";
import {
  makeFunctionReference,
  type FunctionArgs,
  type FunctionReference,
  type FunctionReturnType,
} from "convex/server";
import { useConvexAuth, useQuery, type Preloaded } from "convex/react";
import { jsonToConvex } from "convex/values";
import { useMemo, useState } from "react";

/**
 * `usePreloadedQuery` for queries preloaded with `preloadAuthQuery`: it
 * renders the server's value at once and switches to the live subscription
 * only when Convex auth is ready, so an authenticated query never runs
 * unauthenticated during hydration.
 *
 * - Until the live result arrives, the server-preloaded value is returned;
 *   while auth is loading (token refresh) the last value is kept.
 * - The live query is skipped while Convex auth is loading or
 *   unauthenticated.
 * - When the user signs out in this tab, the preloaded value (which belonged
 *   to that user) is dropped and `undefined` is returned until a live result
 *   arrives. A page rendered signed out keeps showing its preloaded value.
 *
 * @param preloaded - The `Preloaded` payload from `preloadAuthQuery`.
 * @returns The query result, or undefined after a sign-out.
 *
 * @example
 * ```tsx
 * "use client";
 * import { usePreloadedAuthQuery } from "convex-better-auth/nextjs/client";
 *
 * export function Header({ preloadedUser }: { preloadedUser: Preloaded<typeof api.auth.getCurrentUser> }) {
 *   const user = usePreloadedAuthQuery(preloadedUser);
 *   return <h1>{user?.name}</h1>;
 * }
 * ```
 */
export function usePreloadedAuthQuery<Query extends FunctionReference<"query">>(
  preloaded: Preloaded<Query>,
): FunctionReturnType<Query> {
  const { isLoading, isAuthenticated } = useConvexAuth();
  const args = useMemo(() => jsonToConvex(preloaded._argsJSON), [preloaded._argsJSON]) as FunctionArgs<Query>;
  const preloadedValue = useMemo(
    () => jsonToConvex(preloaded._valueJSON),
    [preloaded._valueJSON],
  ) as FunctionReturnType<Query>;
  const query = useMemo(() => makeFunctionReference<"query">(preloaded._name), [preloaded._name]) as Query;
  const skip = isLoading || !isAuthenticated;
  const live = (
    useQuery as (query: Query, args: FunctionArgs<Query> | "skip") => FunctionReturnType<Query> | undefined
  )(query, skip ? "skip" : args);

  // Render-time state updates (React's "storing information from previous
  // renders" pattern): each one converges after a single extra render.
  const [kept, setKept] = useState<{ source: Preloaded<Query>; value: FunctionReturnType<Query> } | null>(null);
  const [wasAuthenticated, setWasAuthenticated] = useState(false);
  const [staleSource, setStaleSource] = useState<Preloaded<Query> | null>(null);

  if (live !== undefined && (kept?.source !== preloaded || kept.value !== live))
    setKept({ source: preloaded, value: live });
  if (isAuthenticated && !wasAuthenticated) setWasAuthenticated(true);
  const signedOut = !isLoading && !isAuthenticated;
  if (signedOut && wasAuthenticated) {
    setWasAuthenticated(false);
    setKept(null);
    setStaleSource(preloaded);
  }

  if (live !== undefined) return live;
  if (signedOut && wasAuthenticated) return undefined as FunctionReturnType<Query>;
  if (kept?.source === preloaded) return kept.value;
  if (staleSource === preloaded) return undefined as FunctionReturnType<Query>;
  return preloadedValue;
}
