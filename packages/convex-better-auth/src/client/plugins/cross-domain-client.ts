import type { BetterAuthClientPlugin, ClientStore } from "better-auth/client";
import type { crossDomain } from "../../plugins/cross-domain/cross-domain-plugin.js";
import { CROSS_DOMAIN_ERROR_CODES } from "../../plugins/cross-domain/error-codes.js";
import { BETTER_AUTH_COOKIE_HEADER, SET_BETTER_AUTH_COOKIE_HEADER } from "../../plugins/cross-domain/headers.js";
import {
  getCookie,
  getSetCookie,
  sessionTokenChanges,
  storedValue,
  withoutSessionCookies,
} from "./cross-domain-client-cookies.js";

type FetchPlugin = NonNullable<BetterAuthClientPlugin["fetchPlugins"]>[number];

/**
 * Where `crossDomainClient()` keeps cookies and the cached session: any
 * object with synchronous `getItem`/`setItem` (`localStorage`, Expo's
 * `SecureStore`, an in-memory map).
 *
 * @example
 * ```ts
 * const memory = new Map<string, string>();
 * const storage: CrossDomainStorage = { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v) };
 * ```
 */
export type CrossDomainStorage = {
  getItem: (key: string) => string | null;
  setItem: (key: string, value: string) => unknown;
};

/**
 * Options of {@link crossDomainClient}.
 *
 * @example
 * ```ts
 * const options: CrossDomainClientOptions = { storagePrefix: "my-app" };
 * ```
 */
export type CrossDomainClientOptions = {
  /** Where cookies and the session cache live. @default window.localStorage (none outside a browser) */
  storage?: CrossDomainStorage | undefined;
  /** Prefix of the storage keys `${prefix}_cookie` and `${prefix}_session_data`. @default "better-auth" */
  storagePrefix?: string | undefined;
  /** Do not cache `get-session` answers in `${prefix}_session_data`. @default false */
  disableCache?: boolean | undefined;
};

function defaultStorage(): CrossDomainStorage | undefined {
  try {
    return typeof window !== "undefined" && window.localStorage ? window.localStorage : undefined;
  } catch {
    // Storage disabled (sandboxed iframe, privacy settings): nothing to persist to.
    return undefined;
  }
}

function toHeaders(init: unknown): Headers {
  if (init instanceof Headers) return new Headers(init);
  const headers = new Headers();
  if (typeof init === "object" && init !== null) {
    for (const [name, value] of Object.entries(init))
      if (value !== undefined && value !== null) headers.set(name, String(value));
  }
  return headers;
}

function pathOf(url: string | URL): string {
  try {
    return new URL(url.toString(), "http://path.invalid").pathname;
  } catch {
    return url.toString();
  }
}

/**
 * The Better Auth client plugin paired with the `crossDomain()` server plugin,
 * for an app served from another origin than the Convex site.
 *
 * Every request goes out with `credentials: "omit"` and the stored cookies in
 * the `Better-Auth-Cookie` header; every `Set-Better-Auth-Cookie` answer is
 * applied to the stored jar (any status, as a browser applies `Set-Cookie`).
 * The session store is told to refetch only when the session token actually
 * changed, so routine cookie refreshes do not loop (#273). After
 * `get-session` the answer is cached (`getSessionData()`); a null answer
 * drops the session cookies but keeps the others, such as the `two_factor`
 * challenge (#325). Sign-out clears the jar and the session at once.
 *
 * Actions on the client: `getCookie()` (the `Cookie` header value for your
 * own requests), `updateSession()` (refetch the session), `getSessionData()`.
 *
 * @param opts - See {@link CrossDomainClientOptions}.
 * @returns The client plugin, id `"cross-domain"`.
 *
 * @see https://github.com/get-convex/better-auth/issues/273
 * @see https://github.com/get-convex/better-auth/issues/325
 *
 * @example
 * ```ts
 * // src/lib/auth-client.ts
 * import { createAuthClient } from "better-auth/react";
 * import { convexClient, crossDomainClient } from "convex-better-auth/client/plugins";
 *
 * export const authClient = createAuthClient({
 *   baseURL: import.meta.env.VITE_CONVEX_SITE_URL,
 *   plugins: [convexClient(), crossDomainClient()],
 * });
 * ```
 */
export const crossDomainClient = (opts: CrossDomainClientOptions = {}) => {
  const prefix = opts.storagePrefix || "better-auth";
  const cookieKey = `${prefix}_cookie`;
  const sessionKey = `${prefix}_session_data`;
  const storage = opts.storage ?? defaultStorage();
  let store: ClientStore | null = null;

  const fetchPlugin = {
    id: "cross-domain",
    name: "Cross Domain",
    async init(url, options) {
      if (!storage) return { url, options };
      const next = { ...options };
      const headers = toHeaders(options?.headers);
      headers.set(BETTER_AUTH_COOKIE_HEADER, getCookie(storage.getItem(cookieKey) ?? "{}"));
      next.headers = headers;
      // The Convex site's cookies are useless to this origin; the header carries them.
      next.credentials = "omit";
      if (pathOf(url).endsWith("/sign-out")) {
        // Signed out locally at once, whatever the network does; the header
        // above still carries the session for the server to revoke.
        storage.setItem(cookieKey, "{}");
        storage.setItem(sessionKey, "{}");
        const session = store?.atoms.session;
        session?.set({ ...session.get(), data: null, error: null, isPending: false, isRefetching: false });
      }
      return { url, options: next };
    },
    hooks: {
      onResponse(context) {
        if (!storage) return;
        const header = context.response.headers.get(SET_BETTER_AUTH_COOKIE_HEADER);
        if (!header) return;
        const previous = storage.getItem(cookieKey);
        storage.setItem(cookieKey, getSetCookie(header, previous ?? undefined));
        // Compared by value: the cookie is re-sent with a new Max-Age on
        // every refresh, and notifying then would refetch forever (#273).
        for (const [name, value] of sessionTokenChanges(header)) {
          if (storedValue(previous, name) !== value) {
            store?.notify("$sessionSignal");
            break;
          }
        }
      },
      onSuccess(context) {
        if (!storage || !pathOf(context.request.url).endsWith("/get-session")) return;
        const data: unknown = context.data ?? null;
        if (!opts.disableCache) storage.setItem(sessionKey, JSON.stringify(data));
        if (data === null) storage.setItem(cookieKey, withoutSessionCookies(storage.getItem(cookieKey)));
      },
    },
  } satisfies FetchPlugin;

  return {
    id: "cross-domain",
    $InferServerPlugin: {} as ReturnType<typeof crossDomain>,
    $ERROR_CODES: CROSS_DOMAIN_ERROR_CODES,
    // The fetch argument goes unused; typed `unknown` so that the declaration
    // names no package this one does not depend on.
    getActions: (_fetch: unknown, $store: ClientStore) => {
      store = $store;
      return {
        /**
         * The stored cookies as a `Cookie` header value, for requests of
         * your own to the Convex site.
         *
         * @example
         * ```ts
         * await fetch(`${siteUrl}/api/custom`, { headers: { "Better-Auth-Cookie": authClient.getCookie() } });
         * ```
         */
        getCookie: (): string => getCookie(storage?.getItem(cookieKey) ?? "{}"),
        /**
         * Make the session store refetch, e.g. after changing cookies yourself.
         *
         * @example
         * ```ts
         * authClient.updateSession();
         * ```
         */
        updateSession: (): void => {
          $store.notify("$sessionSignal");
        },
        /**
         * The last `get-session` answer cached in storage, or null.
         *
         * @example
         * ```ts
         * const cached = authClient.getSessionData();
         * ```
         */
        getSessionData: (): Record<string, unknown> | null => {
          const raw = storage?.getItem(sessionKey);
          if (!raw) return null;
          try {
            const parsed: unknown = JSON.parse(raw);
            if (typeof parsed !== "object" || parsed === null || Object.keys(parsed).length === 0) return null;
            return parsed as Record<string, unknown>;
          } catch {
            return null;
          }
        },
      };
    },
    fetchPlugins: [fetchPlugin] as FetchPlugin[],
  } satisfies BetterAuthClientPlugin;
};
