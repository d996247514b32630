/**
 * The React (Vite SPA) guide's Convex app (`spa-app/`) under convex-test:
 * Better Auth on the bundled component behind `registerRoutes(…, { cors:
 * true })`, reached through `t.fetch`, plus a `fetch` that behaves like the
 * SPA's browser (sends its `Origin`) for Better Auth clients. Test-only.
 *
 * @internal
 * @module
 */
import { convexTest } from "convex-test";
import { register } from "../test/index.js";
import schema from "./spa-app/schema.js";
import { outbox, type Outbox } from "./spa-app/outbox.js";

/**
 * Where the SPA is served.
 *
 * @example
 * ```ts
 * headers.set("origin", SPA_ORIGIN);
 * ```
 */
export const SPA_ORIGIN = "http://localhost:5173";
/**
 * The Convex site (`CONVEX_SITE_URL`), Better Auth's `baseURL`.
 *
 * @example
 * ```ts
 * createAuthClient({ baseURL: SPA_CONVEX_SITE });
 * ```
 */
export const SPA_CONVEX_SITE = "http://127.0.0.1:3211";

const modules = import.meta.glob("./spa-app/**/*.ts");

/**
 * A running SPA test deployment.
 *
 * @example
 * ```ts
 * const harness: SpaHarness = createSpaHarness();
 * ```
 */
export type SpaHarness = {
  t: ReturnType<typeof convexTest>;
  /** `fetch` into the deployment as the SPA's browser would (adds `Origin` unless given). */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** What the app "emailed"; cleared per harness. */
  outbox: Outbox;
};

function pathOf(url: URL): string {
  return `${url.pathname}${url.search}`;
}

/**
 * A fresh deployment of the SPA app.
 *
 * @example
 * ```ts
 * const { t, fetch } = createSpaHarness();
 * const res = await fetch(`${SPA_CONVEX_SITE}/api/auth/ok`);
 * ```
 */
export function createSpaHarness(): SpaHarness {
  process.env.SITE_URL = SPA_ORIGIN;
  process.env.CONVEX_SITE_URL = SPA_CONVEX_SITE;
  process.env.BETTER_AUTH_SECRET = "spa-harness-secret-0123456789abcdef0123";
  const t = convexTest(schema, modules);
  register(t);
  const box = outbox();
  for (const key of Object.keys(box)) delete box[key as keyof Outbox];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    if (!headers.has("origin")) headers.set("origin", SPA_ORIGIN);
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return t.fetch(pathOf(new URL(request.url)), { method: request.method, headers, body, redirect: "manual" });
  };
  return { t, fetch, outbox: box };
}

/**
 * A navigation of the browser to a URL on the Convex site (an email link, an
 * OAuth provider's redirect): no `Origin`, no app cookies.
 *
 * @example
 * ```ts
 * const response = await navigate(harness, magicLinkUrl);
 * response.headers.get("location"); // "http://localhost:5173/?ott=…"
 * ```
 */
export async function navigate(harness: SpaHarness, url: string): Promise<Response> {
  return harness.t.fetch(pathOf(new URL(url)), { method: "GET", redirect: "manual" });
}

/**
 * A `localStorage` stand-in the tests can read.
 *
 * @example
 * ```ts
 * const storage = memoryStorage();
 * crossDomainClient({ storage });
 * storage.items.get("better-auth_cookie");
 * ```
 */
export function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}
