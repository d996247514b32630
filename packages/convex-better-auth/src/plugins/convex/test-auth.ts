/**
 * Test fixtures for the `convex()` plugin: a real Better Auth instance on the
 * memory adapter, and a cookie jar standing in for a browser. Used by the
 * colocated tests only; not exported from any entry point.
 *
 * @internal
 * @module
 */
import { memoryAdapter } from "@better-auth/memory-adapter";
import { betterAuth, type BetterAuthOptions, type BetterAuthPlugin, type DBAdapter } from "better-auth";
import { getAuthTables } from "better-auth/db";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import type { AuthConfig } from "convex/server";
import { getAuthConfigProvider } from "../../auth-config/get-auth-config-provider.js";
import { convex } from "./convex-plugin.js";
import type { ConvexPluginOptions } from "./types.js";

export const TEST_SITE_URL = "https://test-deployment-123.convex.site";
export const TEST_BASE_URL = "http://localhost:3000";
export const TEST_SECRET = "test-secret-that-is-long-enough-for-better-auth-0123456789";
export const PASSWORD = "correct-horse-battery-staple";

/** The Convex auth config tests pass as `authConfig`. */
export function testAuthConfig(options?: Parameters<typeof getAuthConfigProvider>[0]): AuthConfig {
  return { providers: [getAuthConfigProvider(options)] };
}

type TestAuthOptions = {
  convex?: Partial<ConvexPluginOptions>;
  auth?: Partial<BetterAuthOptions>;
  /** Plugins registered before `convex()`. */
  before?: BetterAuthPlugin[];
  /** Plugins registered after `convex()`. */
  after?: BetterAuthPlugin[];
  /** Share tables between instances (e.g. to swap the plugin's options). */
  db?: Record<string, Record<string, unknown>[]>;
  /** Intercept adapter calls, e.g. to simulate an outage. */
  wrapAdapter?: (adapter: DBAdapter) => DBAdapter;
};

/**
 * A Better Auth instance with `convex()`, email/password and the memory
 * adapter, plus the raw tables for inspection.
 *
 * @example
 * ```ts
 * const { auth, db } = createTestAuth();
 * ```
 */
export function createTestAuth(options: TestAuthOptions = {}) {
  const plugin = convex({ authConfig: testAuthConfig(), ...options.convex });
  const baseOptions = {
    baseURL: TEST_BASE_URL,
    secret: TEST_SECRET,
    emailAndPassword: { enabled: true },
    logger: { disabled: true },
    ...options.auth,
    plugins: [...(options.before ?? []), plugin, ...(options.after ?? [])],
  } satisfies BetterAuthOptions;
  const db: Record<string, Record<string, unknown>[]> = options.db ?? {};
  for (const table of Object.values(getAuthTables(baseOptions))) db[table.modelName] ??= [];
  const memory = memoryAdapter(db);
  const wrap = options.wrapAdapter;
  const database: typeof memory = wrap ? (authOptions) => wrap(memory(authOptions)) : memory;
  const auth = betterAuth({ ...baseOptions, database });
  return { auth, db, plugin };
}

/** A minimal browser cookie store: applies Set-Cookie, sends Cookie. */
export type CookieJar = {
  store(response: Response): void;
  get(name: string): string | undefined;
  header(): string;
  clear(): void;
};

/**
 * @example
 * ```ts
 * const jar = createCookieJar();
 * jar.store(response);
 * fetch(url, { headers: { cookie: jar.header() } });
 * ```
 */
export function createCookieJar(): CookieJar {
  const cookies = new Map<string, string>();
  return {
    store(response) {
      for (const setCookie of response.headers.getSetCookie()) {
        const [pair = "", ...attributes] = setCookie.split(";");
        const eq = pair.indexOf("=");
        const name = pair.slice(0, eq).trim();
        const value = decodeURIComponent(pair.slice(eq + 1).trim());
        const maxAge = attributes.map((a) => a.trim().toLowerCase()).find((a) => a.startsWith("max-age="));
        if (value === "" || (maxAge && Number(maxAge.slice("max-age=".length)) <= 0)) cookies.delete(name);
        else cookies.set(name, value);
      }
    },
    get: (name) => cookies.get(name),
    header: () => [...cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("; "),
    clear: () => cookies.clear(),
  };
}

type Handler = { handler: (request: Request) => Promise<Response> };

/**
 * Send a request to `auth.handler` as the browser holding `jar` would, and
 * store the response's cookies in it.
 *
 * @example
 * ```ts
 * const res = await send(auth, jar, "/sign-up/email", { email, password, name });
 * ```
 */
export async function send(
  auth: Handler,
  jar: CookieJar,
  path: string,
  body?: unknown,
  method?: string,
): Promise<Response> {
  const headers = new Headers({ cookie: jar.header(), origin: TEST_BASE_URL });
  if (body !== undefined) headers.set("content-type", "application/json");
  const response = await auth.handler(
    new Request(`${TEST_BASE_URL}/api/auth${path}`, {
      method: method ?? (body === undefined ? "GET" : "POST"),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  jar.store(response);
  return response;
}

/**
 * Sign up with email/password through HTTP.
 *
 * @example
 * ```ts
 * await signUp(auth, jar, "a@example.com");
 * ```
 */
export async function signUp(
  auth: Handler,
  jar: CookieJar,
  email: string,
  name = email.split("@")[0],
): Promise<Response> {
  return send(auth, jar, "/sign-up/email", { email, password: PASSWORD, name });
}

/** Sign in with email/password through HTTP. */
export async function signIn(auth: Handler, jar: CookieJar, email: string): Promise<Response> {
  return send(auth, jar, "/sign-in/email", { email, password: PASSWORD });
}

/** The `convex_jwt` cookie value in `jar` (http base URL, default prefix). */
export function jwtCookie(jar: CookieJar): string | undefined {
  return jar.get("better-auth.convex_jwt");
}

/**
 * Fetch `/convex/jwks` and verify `token` against it as Convex would.
 *
 * @example
 * ```ts
 * const { payload, header } = await verifyWithJwks(auth, token);
 * ```
 */
export async function verifyWithJwks(auth: Handler, token: string, jwks?: JSONWebKeySet) {
  const keySet = jwks ?? ((await (await send(auth, createCookieJar(), "/convex/jwks")).json()) as JSONWebKeySet);
  const { payload, protectedHeader } = await jwtVerify<JWTPayload & Record<string, unknown>>(
    token,
    createLocalJWKSet(keySet),
    {
      issuer: TEST_SITE_URL,
      audience: "convex",
      algorithms: ["RS256"],
    },
  );
  return { payload, header: protectedHeader, decodedHeader: decodeProtectedHeader(token) };
}
