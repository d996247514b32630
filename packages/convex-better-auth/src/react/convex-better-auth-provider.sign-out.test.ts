// A DOM for React, but Node's own fetch classes: happy-dom's Request and
// Response drop Cookie and Set-Cookie, which the real Better Auth server and
// client in this test exchange.
import { Window } from "happy-dom";
import type { Preloaded } from "convex/react";
import { getFunctionName, type FunctionReference } from "convex/server";
import { afterEach, describe, expect, it } from "vitest";
import {
  createCookieJar,
  createTestAuth,
  PASSWORD,
  TEST_BASE_URL,
  TEST_SITE_URL,
} from "../plugins/convex/test-auth.js";

const dom = new Window({ url: TEST_BASE_URL });
Object.assign(globalThis, {
  window: dom,
  document: dom.document,
  navigator: dom.navigator,
  IS_REACT_ACT_ENVIRONMENT: true,
});
// Imported once the DOM exists: react-dom and Better Auth's session store look for it when they load.
const { act, createElement } = await import("react");
const { createRoot } = await import("react-dom/client");
const { createAuthClient } = await import("better-auth/react");
const { useConvexAuth } = await import("convex/react");
const { convexClient } = await import("../client/plugins/convex-client.js");
const { usePreloadedAuthQuery } = await import("../nextjs/client/use-preloaded-auth-query.js");
const { ConvexBetterAuthProvider } = await import("./convex-better-auth-provider.js");

/**
 * One event log for the three parties: the Better Auth server (real, memory
 * adapter), the Convex client (a recording double: subscriptions and auth
 * changes) and the page.
 */
function setup(options: { failSignOut?: boolean } = {}) {
  // The token's issuer.
  process.env.CONVEX_SITE_URL = TEST_SITE_URL;
  const { auth } = createTestAuth();
  const jar = createCookieJar();
  const events: string[] = [];
  const authClient = createAuthClient({
    baseURL: TEST_BASE_URL,
    plugins: [convexClient()],
    fetchOptions: {
      customFetchImpl: async (input, init) => {
        const request = new Request(input, init);
        const path = new URL(request.url).pathname.replace("/api/auth", "");
        if (path === "/sign-out") events.push("server /sign-out");
        if (path === "/sign-out" && options.failSignOut)
          return Response.json({ message: "unavailable" }, { status: 503 });
        request.headers.set("cookie", jar.header());
        const response = await auth.handler(request);
        jar.store(response);
        return response;
      },
    },
  });
  // What ConvexProvider, useQuery and ConvexProviderWithAuth call on a ConvexReactClient.
  const convex = {
    setAuth(
      fetchToken: (args: { forceRefreshToken: boolean }) => Promise<string | null | undefined>,
      onChange: (ok: boolean) => void,
    ) {
      events.push("convex setAuth");
      // As the backend does: a token it accepts confirms auth.
      void fetchToken({ forceRefreshToken: false }).then((token) => onChange(Boolean(token)));
    },
    clearAuth() {
      events.push("convex clearAuth");
    },
    watchQuery(query: FunctionReference<"query">) {
      const name = getFunctionName(query);
      return {
        onUpdate: () => {
          events.push(`subscribe ${name}`);
          return () => events.push(`unsubscribe ${name}`);
        },
        localQueryResult: () => undefined,
        localQueryLogs: () => undefined,
        journal: () => undefined,
      };
    },
  };
  return { authClient, convex, events };
}

const preloadedUser = {
  _name: "auth:getCurrentUser",
  _argsJSON: {},
  _valueJSON: null,
} as unknown as Preloaded<FunctionReference<"query">>;

/** The guide's dashboard header: a preloaded authenticated query plus the auth state. */
function Header() {
  const { isLoading, isAuthenticated } = useConvexAuth();
  usePreloadedAuthQuery(preloadedUser);
  return createElement("p", null, isLoading ? "loading" : isAuthenticated ? "in" : "out");
}

const unmounts: (() => void)[] = [];
afterEach(() => {
  for (const unmount of unmounts.splice(0)) act(unmount);
});

/** Renders the provider around the header; returns what the header shows. */
async function renderApp(authClient: Parameters<typeof ConvexBetterAuthProvider>[0]["authClient"], convex: object) {
  const container = dom.document.createElement("div");
  dom.document.body.appendChild(container);
  const root = createRoot(container as unknown as Element);
  await act(async () => {
    root.render(
      createElement(ConvexBetterAuthProvider, { client: convex as never, authClient }, createElement(Header)),
    );
  });
  unmounts.push(() => root.unmount());
  return () => container.textContent;
}

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
  }
}

describe("ConvexBetterAuthProvider sign-out", () => {
  /**
   * Regression: every sign-out printed an uncaught `UNAUTHENTICATED` error in
   * the browser, the Convex log and the Next.js terminal (issue #12, item 7).
   * `/sign-out` deleted the session while the page still subscribed to
   * `getCurrentUser` with a valid JWT, so Convex re-ran it for a session that
   * was gone and `getAuthUser` threw. The provider now unsubscribes the
   * authenticated queries, then clears Convex auth (cleared first, Convex
   * would re-run them without a user), and the request waits for both.
   */
  it("signing out stops authenticated queries before the session is deleted", async () => {
    const { authClient, convex, events } = setup();
    await authClient.signUp.email({ email: "ada@example.com", password: PASSWORD, name: "Ada" });
    const shown = await renderApp(authClient, convex);
    await waitFor(() => shown() === "in");
    expect(events).toContain("subscribe auth:getCurrentUser");

    await act(async () => {
      const { error } = await authClient.signOut();
      expect(error).toBeNull();
    });

    // In this order: the query goes, then the user, then the session.
    const unsubscribed = events.lastIndexOf("unsubscribe auth:getCurrentUser");
    const cleared = events.lastIndexOf("convex clearAuth");
    const signOut = events.indexOf("server /sign-out");
    expect(unsubscribed).toBeGreaterThan(-1);
    expect(cleared).toBeGreaterThan(unsubscribed);
    expect(signOut).toBeGreaterThan(cleared);
    expect(shown()).toBe("out");
    // Nothing subscribes again for the ended session.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.slice(signOut).filter((e) => e.startsWith("subscribe") || e === "convex setAuth")).toEqual([]);
  });

  it("a failed sign-out leaves the user signed in, with the queries back", async () => {
    const { authClient, convex, events } = setup({ failSignOut: true });
    await authClient.signUp.email({ email: "ada@example.com", password: PASSWORD, name: "Ada" });
    const shown = await renderApp(authClient, convex);
    await waitFor(() => shown() === "in");

    await act(async () => {
      const { error } = await authClient.signOut();
      expect(error?.status).toBe(503);
    });

    const signOut = events.indexOf("server /sign-out");
    expect(events.slice(0, signOut)).toContain("convex clearAuth");
    await waitFor(() => shown() === "in");
    expect(events.slice(signOut)).toContain("convex setAuth");
    expect(events.slice(signOut)).toContain("subscribe auth:getCurrentUser");
  });
});
