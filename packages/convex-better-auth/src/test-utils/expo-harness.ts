/**
 * The Expo guide's Convex app (`expo-app/`) under convex-test: Better Auth
 * with `expo()` and `convex()` on the bundled component, reached through
 * `t.fetch` as a React Native app reaches it (no `Origin`, no browser
 * cookies), plus an in-memory `expo-secure-store` for `expoClient`.
 * Test-only.
 *
 * @internal
 * @module
 */
import { convexTest } from "convex-test";
import { register } from "../test/index.js";
import schema from "./expo-app/schema.js";

/** The Convex site (`EXPO_PUBLIC_CONVEX_SITE_URL`): what convex-test's `t.fetch` serves. */
export const EXPO_CONVEX_SITE = "https://some.convex.site";
/** The app's scheme (`app.json` `expo.scheme`), trusted by the server. */
export const EXPO_SCHEME = "myapp";
/** Where Expo Web is served, when the harness is created with `web: true`. */
export const EXPO_WEB_ORIGIN = "http://localhost:8081";

const modules = import.meta.glob("./expo-app/**/*.ts");

/** A running Expo test deployment. */
export type ExpoHarness = {
  t: ReturnType<typeof convexTest>;
  /** `fetch` into the deployment as a native app does: only the headers it was given. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Paths of the requests `fetch` sent, in order. */
  requests: string[];
};

/**
 * A fresh deployment of the Expo app. With `web: true`, `SITE_URL` is set
 * and the app is the guide's "Expo Web support" version (`crossDomain()`).
 *
 * @example
 * ```ts
 * const { fetch } = createExpoHarness();
 * const authClient = createAuthClient({ baseURL: EXPO_CONVEX_SITE, plugins: [expoClient({ scheme: EXPO_SCHEME, storage: memorySecureStore() }), convexClient()], fetchOptions: { customFetchImpl: fetch } });
 * ```
 */
export function createExpoHarness(options: { web?: boolean } = {}): ExpoHarness {
  if (options.web) process.env.SITE_URL = EXPO_WEB_ORIGIN;
  else delete process.env.SITE_URL;
  process.env.CONVEX_SITE_URL = EXPO_CONVEX_SITE;
  process.env.BETTER_AUTH_SECRET = "expo-harness-secret-0123456789abcdef012";
  const t = convexTest(schema, modules);
  register(t);
  const requests: string[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    requests.push(url.pathname);
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return t.fetch(`${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body,
      redirect: "manual",
    });
  };
  return { t, fetch, requests };
}

/**
 * An in-memory `expo-secure-store` (the four functions `expoClient` uses),
 * with its items readable by the test.
 *
 * @example
 * ```ts
 * const storage = memorySecureStore();
 * expoClient({ scheme: EXPO_SCHEME, storagePrefix: EXPO_SCHEME, storage });
 * ```
 */
export function memorySecureStore() {
  const items = new Map<string, string>();
  // SecureStore rejects other keys; Better Auth's cookie names have colons
  // and dots that expoClient must normalise first.
  const checked = (key: string) => {
    if (!/^[\w.-]+$/.test(key)) throw new Error(`Invalid key provided to SecureStore: ${key}`);
    return key;
  };
  return {
    items,
    getItem: (key: string): string | null => items.get(checked(key)) ?? null,
    setItem: (key: string, value: string): void => void items.set(checked(key), value),
    getItemAsync: async (key: string): Promise<string | null> => items.get(checked(key)) ?? null,
    setItemAsync: async (key: string, value: string): Promise<void> => void items.set(checked(key), value),
  };
}
