import { corsRouter } from "convex-helpers/server/cors";
import { httpActionGeneric, type HttpRouter } from "convex/server";
import { restoreForwardedHeaders } from "./forwarded-headers.js";
import { deferredCommitsOf, finalWriteOf } from "../shared/deferred-commits.js";
import { OAUTH_DISCOVERY_PATHS, oauthProviderOf, type OAuthProviderRoutes } from "./oauth-provider-routes.js";
import { trustsOrigin } from "./trusts-origin.js";
import type { CreateAuth } from "./types.js";

// What `createAuth` receives: the HTTP action ctx, or `{}` when only the options are read.
type AuthCtx = Parameters<CreateAuth<any, AuthLike>>[0];

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * Largest request body the auth routes accept. Better Auth's own bodies are
 * a few kilobytes; without a bound, a 2 MB `name` was stored and then rode in
 * every session's JWT cookie.
 */
export const MAX_AUTH_BODY_BYTES = 64 * 1024;

function payloadTooLarge(): Response {
  return Response.json(
    { code: "PAYLOAD_TOO_LARGE", message: `Request body exceeds ${MAX_AUTH_BODY_BYTES} bytes.` },
    { status: 413 },
  );
}

function notAnObject(): Response {
  return Response.json(
    { code: "VALIDATION_ERROR", message: "[body] Invalid input: expected a JSON object." },
    { status: 400 },
  );
}

/**
 * Whether a JSON body is not an object or array: `null` or a bare string,
 * number or boolean. Every Better Auth endpoint takes an object; such a body
 * reached plugin hook matchers that read `"field" in ctx.body`
 * (phone-number's on `/update-user`) and threw, a 500. Only the first
 * non-blank byte is looked at: Better Auth parses the body itself, and an
 * invalid one is a 400 either way.
 */
function isScalarJson(request: Request, body: ArrayBuffer): boolean {
  if (!/json/i.test(request.headers.get("content-type") ?? "")) return false;
  const bytes = new Uint8Array(body);
  for (const byte of bytes) {
    // space, tab, newline, carriage return
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte !== 0x7b && byte !== 0x5b; // "{" or "["
  }
  return false;
}

/**
 * The request with its body read and checked against {@link MAX_AUTH_BODY_BYTES}
 * (else a 413), and, when it is JSON, against being a bare value (else a 400).
 */
async function boundRequestBody(request: Request): Promise<Request | Response> {
  if (request.method === "GET" || request.method === "HEAD" || request.body === null) return request;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_AUTH_BODY_BYTES) return payloadTooLarge();
  const body = await request.arrayBuffer();
  if (body.byteLength > MAX_AUTH_BODY_BYTES) return payloadTooLarge();
  if (isScalarJson(request, body)) return notAnObject();
  return new Request(request, { body });
}
const DEFAULT_BASE_PATH = "/api/auth";

/** CORS for browsers that call the Convex site directly (SPAs without a proxy). */
export type CorsOptions =
  | boolean
  | {
      /** Origins allowed besides Better Auth's `trustedOrigins`. */
      allowedOrigins?: string[];
      /** Request headers allowed besides the defaults. */
      allowedHeaders?: string[];
      /** Response headers exposed besides the defaults. */
      exposedHeaders?: string[];
    };

/** Options of `registerRoutesLazy`: what `registerRoutes` would read from Better Auth. */
export type LazyRouteOptions = {
  /** Better Auth's `basePath`. @default "/api/auth" */
  basePath?: string;
  /** Origins allowed by CORS. @default Better Auth's trusted origins, read on the first preflight */
  trustedOrigins?: string[];
  cors?: CorsOptions;
  /**
   * Set when Better Auth runs `@better-auth/oauth-provider` or `mcp()`: serves
   * their discovery documents at the site root (see {@link registerRoutes}).
   * @default false
   */
  oauthProvider?: boolean;
};

/**
 * What the routes need of a Better Auth instance: its handler and the
 * options that give its base path and trusted origins.
 *
 * @example
 * ```ts
 * const auth: RegisterableAuth = betterAuth({ database: authComponent.adapter(ctx) });
 * ```
 */
export type RegisterableAuth = {
  handler: (request: Request) => Promise<Response>;
  options?: { basePath?: string; baseURL?: unknown; trustedOrigins?: unknown; plugins?: unknown };
  /**
   * Better Auth's context: its adapter may defer transaction commits
   * (shared/deferred-commits.ts), and its trusted origins drive CORS.
   */
  $context?: Promise<{
    adapter?: unknown;
    trustedOrigins?: string[];
    options?: object;
    isTrustedOrigin?: (url: string) => boolean;
  }>;
};

type AuthLike = RegisterableAuth;

/** The origins CORS allows for `request` (passed to convex-helpers' matcher). */
type AllowedOrigins = (request: Request) => Promise<string[]>;

function register(
  http: HttpRouter,
  createAuth: CreateAuth<any, AuthLike>,
  basePath: string,
  cors: CorsOptions | undefined,
  allowedOrigins: AllowedOrigins,
  oauthProvider: OAuthProviderRoutes | undefined,
) {
  const handler = httpActionGeneric(async (ctx, request) => {
    const bounded = await boundRequestBody(request);
    if (bounded instanceof Response) return bounded;
    const auth = createAuth(ctx as AuthCtx);
    // Commits of Better Auth transactions ride on the request's next write
    // (or on the endpoint's known final write); what is left is committed
    // before the response leaves.
    const commits = auth.$context ? deferredCommitsOf((await auth.$context).adapter) : undefined;
    commits?.enable(finalWriteOf(new URL(bounded.url).pathname, basePath));
    try {
      return await auth.handler(restoreForwardedHeaders(bounded));
    } finally {
      await commits?.flush();
    }
  });
  const prefix = `${basePath.replace(/\/$/, "")}/`;
  const discovery = httpActionGeneric(async () => {
    const site = process.env.CONVEX_SITE_URL ?? "";
    return new Response(null, {
      status: 302,
      headers: { location: `${site}${prefix}convex/.well-known/openid-configuration` },
    });
  });
  const extra = typeof cors === "object" ? cors : {};
  const router = cors
    ? corsRouter(http, {
        allowCredentials: true,
        allowedOrigins: async (request) => [...(await allowedOrigins(request)), ...(extra.allowedOrigins ?? [])],
        allowedHeaders: ["Content-Type", "Better-Auth-Cookie", "Authorization", ...(extra.allowedHeaders ?? [])],
        // Browser MCP clients read the resource metadata URL from WWW-Authenticate.
        exposedHeaders: [
          "Set-Better-Auth-Cookie",
          ...(oauthProvider ? ["WWW-Authenticate"] : []),
          ...(extra.exposedHeaders ?? []),
        ],
      })
    : http;
  if (!http.lookup("/.well-known/openid-configuration", "GET")) {
    // With a root issuer the OAuth provider's discovery is the root one.
    if (oauthProvider?.rootIssuer) router.route({ path: "/.well-known/openid-configuration", method: "GET", handler });
    else http.route({ path: "/.well-known/openid-configuration", method: "GET", handler: discovery });
  }
  if (oauthProvider) {
    for (const path of OAUTH_DISCOVERY_PATHS) {
      if (!http.lookup(path, "GET")) router.route({ path, method: "GET", handler });
      if (!http.lookup(`${path}/`, "GET")) router.route({ pathPrefix: `${path}/`, method: "GET", handler });
    }
  }
  for (const method of METHODS) router.route({ pathPrefix: prefix, method, handler });
}

/** CORS origins judged by a Better Auth instance (see {@link trustsOrigin}). */
function originsTrustedBy(auth: () => AuthLike): AllowedOrigins {
  return async (request) => {
    const origin = request.headers.get("origin");
    return origin && (await trustsOrigin(auth(), request)) ? [origin] : [];
  };
}

/**
 * Serves Better Auth's HTTP API from Convex HTTP actions under its
 * `basePath`, plus `/.well-known/openid-configuration`. It builds Better
 * Auth once at registration to read `basePath` and the plugins; with
 * `cors`, browsers from Better Auth's trusted origins are let through.
 *
 * With `@better-auth/oauth-provider` or `mcp()`, it also serves their
 * discovery documents at the site root: `/.well-known/oauth-authorization-server/…`
 * and `/.well-known/oauth-protected-resource[/…]`, and, when the provider's
 * issuer is the site root, `/.well-known/openid-configuration` (otherwise a
 * redirect to `convex()`'s). Routes the app registered first are left alone.
 *
 * @example
 * ```ts
 * const http = httpRouter();
 * registerRoutes(http, createAuth);
 * export default http;
 * ```
 */
export function registerRoutes(
  http: HttpRouter,
  createAuth: CreateAuth<any, AuthLike>,
  options: { cors?: CorsOptions } = {},
) {
  const auth = createAuth({} as AuthCtx);
  // This instance has no ctx, so it cannot initialise when a plugin reads the
  // database at start-up; CORS then falls back to the configured origins.
  auth.$context?.catch(() => undefined);
  const basePath = auth.options?.basePath ?? DEFAULT_BASE_PATH;
  register(
    http,
    createAuth,
    basePath,
    options.cors,
    originsTrustedBy(() => auth),
    oauthProviderOf(auth),
  );
}

/**
 * Like {@link registerRoutes}, but does not build Better Auth when
 * `http.ts` loads, which keeps module analysis within Convex's memory limit
 * for large configurations. Pass `basePath` if it is not `/api/auth`.
 *
 * @example
 * ```ts
 * registerRoutesLazy(http, createAuth, { basePath: "/api/auth", cors: true });
 * ```
 */
export function registerRoutesLazy(
  http: HttpRouter,
  createAuth: CreateAuth<any, AuthLike>,
  options: LazyRouteOptions = {},
) {
  const listed = options.trustedOrigins;
  let auth: AuthLike | undefined;
  register(
    http,
    createAuth,
    options.basePath ?? DEFAULT_BASE_PATH,
    options.cors,
    listed ? async () => listed : originsTrustedBy(() => (auth ??= createAuth({} as AuthCtx))),
    options.oauthProvider ? { rootIssuer: false } : undefined,
  );
}
