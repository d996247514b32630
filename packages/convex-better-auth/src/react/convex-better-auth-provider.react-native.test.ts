// @vitest-environment node
/**
 * `ConvexBetterAuthProvider` where React Native runs it: no `document`, and
 * either no `window` or React Native's (the global object, without
 * events). React renders through react-test-renderer; Better Auth is the
 * real server of the Expo guide's app (bundled component, `expo()`,
 * `convex()`) and the real `expoClient`, with an in-memory SecureStore.
 */
import { expoClient } from "@better-auth/expo/client";
import { createAuthClient } from "better-auth/react";
import { useConvexAuth } from "convex/react";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { act, createElement } from "react";
import { create, type ReactTestRenderer, type TestRendererOptions } from "react-test-renderer";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { convexClient } from "../client/plugins/index.js";
import {
  createExpoHarness,
  EXPO_CONVEX_SITE,
  EXPO_SCHEME,
  memorySecureStore,
  type ExpoHarness,
} from "../test-utils/expo-harness.js";
// The module vitest.config.ts puts in place of "react-native".
import { AppState, setAppState } from "../test-utils/expo-shims/react-native.js";
import { appStateActiveSignal } from "./app-active-signal.js";
import { ConvexBetterAuthProvider } from "./convex-better-auth-provider.js";

const PASSWORD = "correct horse 1";

beforeAll(() => {
  // What React Native's test preset sets: act() works, and
  // react-test-renderer is the supported renderer here.
  Object.assign(globalThis, { IS_REACT_ACT_ENVIRONMENT: true, IS_REACT_NATIVE_TEST_ENVIRONMENT: true });
});

/** The app's Better Auth client, as the Expo guide writes it, talking to the test deployment. */
function expoAuthClient(harness: ExpoHarness) {
  const storage = memorySecureStore();
  return createAuthClient({
    baseURL: EXPO_CONVEX_SITE,
    plugins: [expoClient({ scheme: EXPO_SCHEME, storagePrefix: EXPO_SCHEME, storage }), convexClient()],
    fetchOptions: { customFetchImpl: harness.fetch },
  });
}

/**
 * What `ConvexProviderWithAuth` calls on a `ConvexReactClient`, answering as
 * the deployment does: a token is accepted when it verifies against the
 * deployment's JWKS (issuer, audience `convex`, not expired).
 */
function convexDouble(harness: ExpoHarness) {
  type FetchToken = (args: { forceRefreshToken: boolean }) => Promise<string | null | undefined>;
  let current: { fetchToken: FetchToken; onChange: (ok: boolean) => void } | null = null;
  const accepted: string[] = [];
  const accepts = async (token: string | null | undefined): Promise<boolean> => {
    if (!token) return false;
    const jwks = (await (await harness.fetch(`${EXPO_CONVEX_SITE}/api/auth/convex/jwks`)).json()) as Parameters<
      typeof createLocalJWKSet
    >[0];
    try {
      await jwtVerify(token, createLocalJWKSet(jwks), { issuer: EXPO_CONVEX_SITE, audience: "convex" });
    } catch {
      return false;
    }
    accepted.push(token);
    return true;
  };
  return {
    accepted,
    setAuth(fetchToken: FetchToken, onChange: (ok: boolean) => void) {
      current = { fetchToken, onChange };
      void fetchToken({ forceRefreshToken: false }).then(async (token) => onChange(await accepts(token)));
    },
    clearAuth() {
      current = null;
    },
    /**
     * Convex reconnecting after the app was suspended: the token it holds is
     * refused if it has expired, and it asks for a new one (forced).
     */
    async reconnect(): Promise<boolean> {
      const held = accepted.at(-1);
      if (!current || (await accepts(held))) return true;
      return accepts(await current.fetchToken({ forceRefreshToken: true }));
    },
  };
}

function AuthState() {
  const { isLoading, isAuthenticated } = useConvexAuth();
  return createElement("text", null, isLoading ? "loading" : isAuthenticated ? "in" : "out");
}

const mounted: ReactTestRenderer[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const renderer of mounted.splice(0)) await act(async () => renderer.unmount());
});

async function renderApp(
  props: Omit<Parameters<typeof ConvexBetterAuthProvider>[0], "children">,
): Promise<() => unknown> {
  let renderer!: ReactTestRenderer;
  // A concurrent root, as React Native's New Architecture renders, in
  // StrictMode, as the guide's app/_layout.tsx has it (effects run twice).
  // Both options exist at runtime but not in @types/react-test-renderer.
  const options = { unstable_isConcurrent: true, unstable_strictMode: true } as unknown as TestRendererOptions;
  await act(async () => {
    renderer = create(createElement(ConvexBetterAuthProvider, props, createElement(AuthState)), options);
  });
  mounted.push(renderer);
  return () => (renderer.toJSON() as { children?: unknown[] } | null)?.children?.[0];
}

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error("timed out waiting");
    await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
  }
}

const tokenRequests = (harness: ExpoHarness) =>
  harness.requests.filter((path) => path.endsWith("/convex/token")).length;

describe("ConvexBetterAuthProvider without a DOM (React Native)", () => {
  it("authenticates Convex after an Expo sign-in, renews the token when the app comes back from the background, and signs out", async () => {
    expect(typeof window).toBe("undefined");
    expect(typeof document).toBe("undefined");
    const harness = createExpoHarness();
    const authClient = expoAuthClient(harness);
    const convex = convexDouble(harness);
    const shown = await renderApp({ client: convex as never, authClient, onAppActive: appStateActiveSignal(AppState) });
    await waitFor(() => shown() === "out");

    await act(async () => {
      expect(
        (await authClient.signUp.email({ email: "ada@example.com", password: PASSWORD, name: "Ada" })).error,
      ).toBeNull();
    });
    await waitFor(() => shown() === "in");
    const session = await authClient.getSession();
    const first = convex.accepted.at(-1)!;
    expect(decodeJwt(first)).toMatchObject({ sub: session.data?.user.id, sessionId: session.data?.session.id });

    // Sixteen minutes in the background: the 15-minute token has expired.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    const before = tokenRequests(harness);
    await act(async () => {
      setAppState("background");
      setAppState("active");
    });
    await waitFor(() => tokenRequests(harness) === before + 1);
    // Convex reconnects, its expired token is refused, and the renewed one
    // is already there: no second request.
    await act(async () => {
      expect(await convex.reconnect()).toBe(true);
    });
    const renewed = convex.accepted.at(-1)!;
    expect(renewed).not.toBe(first);
    expect(decodeJwt(renewed).sessionId).toBe(session.data?.session.id);
    expect(tokenRequests(harness)).toBe(before + 1);
    expect(shown()).toBe("in");

    await act(async () => {
      expect((await authClient.signOut()).error).toBeNull();
    });
    await waitFor(() => shown() === "out");
  });

  it("does not renew on coming back while the token is fresh", async () => {
    const harness = createExpoHarness();
    const authClient = expoAuthClient(harness);
    await authClient.signUp.email({ email: "bo@example.com", password: PASSWORD, name: "Bo" });
    const shown = await renderApp({
      client: convexDouble(harness) as never,
      authClient,
      onAppActive: appStateActiveSignal(AppState),
    });
    await waitFor(() => shown() === "in");
    const before = tokenRequests(harness);
    await act(async () => {
      setAppState("background");
      setAppState("active");
    });
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(tokenRequests(harness)).toBe(before);
  });

  /**
   * Regression: the provider crashed on mount in React Native (issue #12,
   * item 5). React Native defines `window` as the global object, without
   * `addEventListener`, and no `document`; the provider took a defined
   * `window` for a browser and subscribed to its `online` and the
   * document's `visibilitychange` events.
   */
  it("mounts with React Native's window (the global object, no events) and authenticates", async () => {
    const harness = createExpoHarness();
    const authClient = expoAuthClient(harness);
    await authClient.signUp.email({ email: "cy@example.com", password: PASSWORD, name: "Cy" });
    Object.assign(globalThis, { window: globalThis });
    try {
      const convex = convexDouble(harness);
      const shown = await renderApp({ client: convex as never, authClient });
      await waitFor(() => shown() === "in");
      expect(convex.accepted).toHaveLength(1);
    } finally {
      delete (globalThis as { window?: unknown }).window;
    }
  });
});
