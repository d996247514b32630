// @vitest-environment happy-dom
/**
 * The provider completes a cross-domain redirect sign-in (`?ott=`) on page
 * load, with a real Better Auth React client (`convexClient()`,
 * `crossDomainClient()` on an in-memory storage) against the React guide's
 * Convex app on the bundled component.
 *
 * @see https://github.com/get-convex/better-auth/issues/260 — signed-out UI
 * flashed while the token was being exchanged.
 */
import * as edge from "@edge-runtime/primitives";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { createAuthClient } from "better-auth/react";
import { useConvexAuth } from "convex/react";
import { createElement, StrictMode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { convexClient, crossDomainClient } from "../client/plugins/index.js";
import {
  createSpaHarness,
  memoryStorage,
  navigate,
  SPA_CONVEX_SITE,
  type SpaHarness,
} from "../test-utils/spa-harness.js";
import { ConvexBetterAuthProvider } from "./convex-better-auth-provider.js";

// happy-dom's fetch classes follow the browser and drop Set-Cookie from
// responses built in script, which is exactly what the Convex site's code
// does; the server side gets the web classes the Convex-like edge runtime
// (and the other tests) use. The page keeps happy-dom's DOM and history.
Object.assign(globalThis, { Request: edge.Request, Response: edge.Response, Headers: edge.Headers, fetch: edge.fetch });

let harness: SpaHarness;
beforeEach(() => {
  harness = createSpaHarness();
});
afterEach(() => {
  cleanup();
  window.history.replaceState(null, "", "/");
});

function spaClient() {
  const storage = memoryStorage();
  const paths: string[] = [];
  // The exchange answers only after the session store's first answer (no
  // cookie yet: "no session") has arrived, as on a real network where the
  // two race: the state that used to flash signed-out UI.
  let firstSessionAnswered!: () => void;
  const sessionAnswered = new Promise<void>((resolve) => (firstSessionAnswered = resolve));
  const authClient = createAuthClient({
    baseURL: SPA_CONVEX_SITE,
    plugins: [convexClient(), crossDomainClient({ storage })],
    fetchOptions: {
      customFetchImpl: async (input, init) => {
        const request = new Request(input, init);
        const path = new URL(request.url).pathname.replace("/api/auth", "");
        paths.push(path);
        if (path === "/cross-domain/one-time-token/verify") await sessionAnswered;
        const response = await harness.fetch(request);
        if (path === "/get-session") firstSessionAnswered();
        return response;
      },
    },
  });
  const storeStates: string[] = [];
  authClient.$store.atoms.session!.listen((state) => {
    const now = state.isPending ? "pending" : state.data ? "session" : "none";
    if (storeStates.at(-1) !== now) storeStates.push(now);
  });
  return { authClient, storage, paths, storeStates };
}

/** Signs `email` in at the OAuth provider and follows the callback: the URL the browser is sent to. */
async function oauthRedirect(email: string): Promise<string> {
  const start = await harness.fetch(`${SPA_CONVEX_SITE}/api/auth/sign-in/social`, {
    method: "POST",
    headers: { "content-type": "application/json", "better-auth-cookie": "" },
    body: JSON.stringify({ provider: "idp", callbackURL: "/dashboard?tab=2" }),
  });
  const state = new URL(((await start.json()) as { url: string }).url).searchParams.get("state");
  const callback = await navigate(harness, `${SPA_CONVEX_SITE}/api/auth/callback/idp?code=${email}&state=${state}`);
  return callback.headers.get("location")!;
}

/** A Convex client double that confirms any token, as a backend would. */
function convexDouble() {
  return {
    setAuth: vi.fn(
      (
        fetchToken: (args: { forceRefreshToken: boolean }) => Promise<string | null | undefined>,
        onChange: (ok: boolean) => void,
      ) => {
        void fetchToken({ forceRefreshToken: false }).then((token) => onChange(Boolean(token)));
      },
    ),
    clearAuth: vi.fn(),
  };
}

function renderApp(authClient: ReturnType<typeof spaClient>["authClient"], strict = false) {
  const seen: string[] = [];
  function AuthState() {
    const { isLoading, isAuthenticated } = useConvexAuth();
    const state = isLoading ? "loading" : isAuthenticated ? "in" : "out";
    if (seen.at(-1) !== state) seen.push(state);
    return createElement("p", { "data-testid": "auth" }, state);
  }
  const app = createElement(
    ConvexBetterAuthProvider,
    { client: convexDouble() as never, authClient },
    createElement(AuthState),
  );
  render(strict ? createElement(StrictMode, null, app) : app);
  return seen;
}

describe("ConvexBetterAuthProvider ?ott= hand-off", () => {
  it("removes the token from the URL, verifies it once, and goes from loading to signed in without flashing signed out (#260)", async () => {
    const location = new URL(await oauthRedirect("ada@example.com"));
    expect(location.searchParams.get("ott")).toBeTruthy();
    window.history.replaceState({ router: "kept" }, "", `${location.pathname}${location.search}#top`);

    const { authClient, storage, paths, storeStates } = spaClient();
    const seen = renderApp(authClient, true);
    await waitFor(() => expect(screen.getByTestId("auth").textContent).toBe("in"), { timeout: 15_000 });

    expect(seen).toEqual(["loading", "in"]);
    expect(window.location.search).toBe("?tab=2");
    expect(window.location.hash).toBe("#top");
    expect(window.history.state).toEqual({ router: "kept" });
    expect(paths.filter((path) => path === "/cross-domain/one-time-token/verify")).toHaveLength(1);
    // The session store did say "no session" first; it did not show.
    expect(storeStates.indexOf("none")).toBeGreaterThan(-1);
    expect(storeStates.indexOf("none")).toBeLessThan(storeStates.lastIndexOf("session"));
    expect(storage.items.get("better-auth_cookie")).toContain("better-auth.session_token");
    await waitFor(() => expect(authClient.$store.atoms.session!.get().data?.user.email).toBe("ada@example.com"));
  });

  it("ends in signed out when the token is not valid, and still cleans the URL", async () => {
    window.history.replaceState(null, "", "/?ott=not-a-real-token");
    const { authClient } = spaClient();
    const seen = renderApp(authClient);
    await waitFor(() => expect(screen.getByTestId("auth").textContent).toBe("out"), { timeout: 15_000 });
    expect(seen).toEqual(["loading", "out"]);
    expect(window.location.search).toBe("");
  });

  it("leaves pages without ?ott= alone", async () => {
    window.history.replaceState(null, "", "/?other=1");
    const { authClient, paths } = spaClient();
    renderApp(authClient);
    await waitFor(() => expect(screen.getByTestId("auth").textContent).toBe("out"), { timeout: 15_000 });
    expect(paths).not.toContain("/cross-domain/one-time-token/verify");
    expect(window.location.search).toBe("?other=1");
  });
});
