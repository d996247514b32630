// @vitest-environment happy-dom
import { cleanup, renderHook } from "@testing-library/react";
import { useConvexAuth, useQuery, type Preloaded } from "convex/react";
import { getFunctionName, makeFunctionReference } from "convex/server";
import { convexToJson } from "convex/values";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { usePreloadedAuthQuery } from "./use-preloaded-auth-query.js";

vi.mock("convex/react", () => ({ useConvexAuth: vi.fn(), useQuery: vi.fn() }));

const _getUser = makeFunctionReference<"query", { id: bigint }, { name: string; visits: bigint } | null>("users:get");

function preload(value: { name: string; visits: bigint } | null): Preloaded<typeof _getUser> {
  return {
    __type: undefined as never,
    _name: "users:get",
    _argsJSON: convexToJson({ id: 7n }) as never,
    _valueJSON: convexToJson(value) as never,
  };
}

let auth: { isLoading: boolean; isAuthenticated: boolean; isRefreshing: boolean };
let live: unknown;

beforeEach(() => {
  auth = { isLoading: true, isAuthenticated: false, isRefreshing: false };
  live = undefined;
  vi.mocked(useConvexAuth).mockImplementation(() => auth);
  vi.mocked(useQuery).mockImplementation(((_query: unknown, args: unknown) =>
    args === "skip" ? undefined : live) as never);
});

afterEach(() => cleanup());

const lastQueryCall = () => vi.mocked(useQuery).mock.calls.at(-1) as unknown as [unknown, unknown];

describe("usePreloadedAuthQuery", () => {
  it("returns the preloaded value (decoded) and skips the live query while auth is loading", () => {
    const preloaded = preload({ name: "Ada", visits: 3n });
    const { result } = renderHook(() => usePreloadedAuthQuery(preloaded));
    expect(result.current).toEqual({ name: "Ada", visits: 3n });
    expect(lastQueryCall()[1]).toBe("skip");
  });

  it("subscribes with the preloaded args once authenticated and switches to the live value", () => {
    const preloaded = preload({ name: "Ada", visits: 3n });
    const { result, rerender } = renderHook(() => usePreloadedAuthQuery(preloaded));
    auth = { isLoading: false, isAuthenticated: true, isRefreshing: false };
    rerender();
    const [query, args] = lastQueryCall();
    expect(getFunctionName(query as typeof _getUser)).toBe("users:get");
    expect(args).toEqual({ id: 7n });
    expect(result.current).toEqual({ name: "Ada", visits: 3n });
    live = { name: "Ada", visits: 4n };
    rerender();
    expect(result.current).toEqual({ name: "Ada", visits: 4n });
  });

  it("keeps the last live value while auth is loading again (token refresh)", () => {
    const preloaded = preload({ name: "Ada", visits: 3n });
    auth = { isLoading: false, isAuthenticated: true, isRefreshing: false };
    live = { name: "Ada", visits: 9n };
    const { result, rerender } = renderHook(() => usePreloadedAuthQuery(preloaded));
    expect(result.current).toEqual({ name: "Ada", visits: 9n });
    auth = { isLoading: true, isAuthenticated: false, isRefreshing: false };
    rerender();
    expect(lastQueryCall()[1]).toBe("skip");
    expect(result.current).toEqual({ name: "Ada", visits: 9n });
  });

  it("keeps the preloaded value for a page rendered signed out", () => {
    const preloaded = preload(null);
    const { result, rerender } = renderHook(() => usePreloadedAuthQuery(preloaded));
    auth = { isLoading: false, isAuthenticated: false, isRefreshing: false };
    rerender();
    expect(lastQueryCall()[1]).toBe("skip");
    expect(result.current).toBeNull();
  });

  it("drops the previous user's data when the user signs out in this tab", () => {
    const preloaded = preload({ name: "Ada", visits: 3n });
    auth = { isLoading: false, isAuthenticated: true, isRefreshing: false };
    live = { name: "Ada", visits: 5n };
    const { result, rerender } = renderHook(() => usePreloadedAuthQuery(preloaded));
    expect(result.current).toEqual({ name: "Ada", visits: 5n });
    auth = { isLoading: false, isAuthenticated: false, isRefreshing: false };
    rerender();
    expect(result.current).toBeUndefined();
    // Signing in as someone else: nothing stale while auth loads, then their live value.
    auth = { isLoading: true, isAuthenticated: false, isRefreshing: false };
    rerender();
    expect(result.current).toBeUndefined();
    auth = { isLoading: false, isAuthenticated: true, isRefreshing: false };
    live = { name: "Grace", visits: 1n };
    rerender();
    expect(result.current).toEqual({ name: "Grace", visits: 1n });
  });

  it("shows a newly server-rendered value for the same query", () => {
    let preloaded = preload({ name: "Ada", visits: 3n });
    const { result, rerender } = renderHook(() => usePreloadedAuthQuery(preloaded));
    preloaded = preload({ name: "Ada", visits: 6n });
    rerender();
    expect(result.current).toEqual({ name: "Ada", visits: 6n });
  });
});
