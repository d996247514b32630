// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { useConvexAuth, useQuery } from "convex/react";
import { makeFunctionReference } from "convex/server";
import { Component, createElement, type ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { convexBetterAuthError, isConvexBetterAuthError } from "../shared/errors.js";
import { AuthBoundary } from "./auth-boundary.js";

vi.mock("convex/react", () => ({ useConvexAuth: vi.fn(), useQuery: vi.fn() }));

const getAuthUser = makeFunctionReference<"query", Record<string, never>, { name: string } | null>("auth:getAuthUser");
const isAuthError = (error: unknown) => isConvexBetterAuthError(error, "UNAUTHENTICATED");

let authState: { isLoading: boolean; isAuthenticated: boolean; isRefreshing: boolean };
let queryBehaviour: () => unknown;

beforeEach(() => {
  authState = { isLoading: false, isAuthenticated: true, isRefreshing: false };
  queryBehaviour = () => ({ name: "Ada" });
  vi.mocked(useConvexAuth).mockImplementation(() => authState);
  vi.mocked(useQuery).mockImplementation(((_query: unknown, args: unknown) =>
    args === "skip" ? undefined : queryBehaviour()) as never);
  // React logs every caught render error; the tests throw on purpose.
  vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

class Outer extends Component<{ children: ReactNode }, { error: unknown }> {
  override state = { error: undefined as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    return this.state.error
      ? createElement("p", { "data-testid": "outer" }, String((this.state.error as Error).message))
      : this.props.children;
  }
}

function setup() {
  const calls: string[] = [];
  const authClient = {
    getSession: vi.fn(async () => {
      calls.push("getSession");
      return { data: null, error: null };
    }),
  };
  const onUnauth = vi.fn(() => {
    calls.push("onUnauth");
  });
  const tree = () =>
    createElement(
      Outer,
      null,
      createElement(
        AuthBoundary,
        {
          authClient,
          onUnauth,
          getAuthUserFn: getAuthUser,
          isAuthError,
          renderFallback: () => createElement("p", { "data-testid": "fallback" }, "signed out"),
        },
        createElement("p", { "data-testid": "content" }, "dashboard"),
      ),
    );
  return { calls, authClient, onUnauth, tree };
}

describe("AuthBoundary", () => {
  it("renders its children and subscribes to getAuthUserFn while authenticated", () => {
    const { tree, onUnauth } = setup();
    render(tree());
    expect(screen.getByTestId("content").textContent).toBe("dashboard");
    expect(useQuery).toHaveBeenCalledWith(getAuthUser, {});
    expect(onUnauth).not.toHaveBeenCalled();
  });

  it("calls getSession then onUnauth once when Convex reports unauthenticated", async () => {
    authState = { isLoading: false, isAuthenticated: false, isRefreshing: false };
    const { tree, calls } = setup();
    const { rerender } = render(tree());
    rerender(tree());
    await waitFor(() => expect(calls).toEqual(["getSession", "onUnauth"]));
    expect(useQuery).toHaveBeenCalledWith(getAuthUser, "skip");
  });

  it("does nothing while Convex auth is loading", async () => {
    authState = { isLoading: true, isAuthenticated: false, isRefreshing: false };
    const { tree, calls } = setup();
    render(tree());
    await act(async () => {});
    expect(calls).toEqual([]);
  });

  it("catches an auth error from a query, renders the fallback, and signs out", async () => {
    queryBehaviour = () => {
      throw convexBetterAuthError("UNAUTHENTICATED", "Session revoked");
    };
    const { tree, calls } = setup();
    render(tree());
    expect(screen.getByTestId("fallback").textContent).toBe("signed out");
    await waitFor(() => expect(calls).toEqual(["getSession", "onUnauth"]));
  });

  it("shows the children again after a new sign-in", async () => {
    let fail = true;
    queryBehaviour = () => {
      if (fail) throw convexBetterAuthError("UNAUTHENTICATED", "Session revoked");
      return { name: "Ada" };
    };
    const { tree, calls } = setup();
    const { rerender } = render(tree());
    await waitFor(() => expect(calls).toEqual(["getSession", "onUnauth"]));
    authState = { isLoading: false, isAuthenticated: false, isRefreshing: false };
    rerender(tree());
    expect(screen.getByTestId("fallback")).toBeTruthy();
    fail = false;
    authState = { isLoading: false, isAuthenticated: true, isRefreshing: false };
    rerender(tree());
    await waitFor(() => expect(screen.getByTestId("content").textContent).toBe("dashboard"));
    // Re-armed: a later sign-out is handled again.
    authState = { isLoading: false, isAuthenticated: false, isRefreshing: false };
    rerender(tree());
    await waitFor(() => expect(calls).toEqual(["getSession", "onUnauth", "getSession", "onUnauth"]));
  });

  it("lets other errors reach the next error boundary", async () => {
    queryBehaviour = () => {
      throw new Error("database exploded");
    };
    const { tree, calls } = setup();
    render(tree());
    expect(screen.getByTestId("outer").textContent).toBe("database exploded");
    await act(async () => {});
    expect(calls).toEqual([]);
  });

  it("still calls onUnauth when getSession fails", async () => {
    authState = { isLoading: false, isAuthenticated: false, isRefreshing: false };
    const { tree, authClient, onUnauth } = setup();
    authClient.getSession.mockRejectedValueOnce(new TypeError("Failed to fetch"));
    render(tree());
    await waitFor(() => expect(onUnauth).toHaveBeenCalledTimes(1));
  });
});
