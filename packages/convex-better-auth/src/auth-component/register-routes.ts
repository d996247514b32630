import { corsRouter } from "convex-helpers/server/cors";
import { httpActionGeneric, type HttpRouter } from "convex/server";
import { restoreForwardedHeaders } from "./forwarded-headers.js";
import { deferredCommitsOf, finalWriteOf } from "../shared/deferred-commits.js";
import { siteOriginsOf } from "../plugins/cross-domain/site-urls.js";
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
  /** Origins allowed by CORS. @default Better Auth's trustedOrigins, read on the first preflight */
  trustedOrigins?: string[];
  cors?: CorsOptions;
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
  /** Better Auth's context, whose adapter may defer transaction commits (shared/deferred-commits.ts). */
  $context?: Promise<{ adapter?: unknown }>;
};

type AuthLike = RegisterableAuth;

function originsOf(auth: AuthLike): string[] {
  const origins = new Set<string>();
  const trusted = auth.options?.trustedOrigins;
  if (Array.isArray(trusted))
    for (const origin of trusted) if (typeof origin === "string") origins.add(origin.replace(/\*$/, ""));
  // crossDomain({ siteUrl }) trusts its sites when Better Auth initialises,
  // which the options read here do not show.
  const plugins = auth.options?.plugins;
  if (Array.isArray(plugins)) {
    for (const plugin of plugins as { id?: unknown; options?: { siteUrl?: unknown } }[]) {
      if (plugin?.id === "cross-domain")
        for (const origin of siteOriginsOf(plugin.options?.siteUrl)) origins.add(origin);
    }
  }
  if (typeof auth.options?.baseURL === "string") {
    try {
      origins.add(new URL(auth.options.baseURL).origin);
    } catch {
      // A relative or malformed baseURL contributes no origin.
    }
  }
  return [...origins];
}

function register(
  http: HttpRouter,
  createAuth: CreateAuth<any, AuthLike>,
  basePath: string,
  cors: CorsOptions | undefined,
  origins: () => string[],
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
  if (!http.lookup("/.well-known/openid-configuration", "GET")) {
    http.route({ path: "/.well-known/openid-configuration", method: "GET", handler: discovery });
  }
  if (!cors) {
    for (const method of METHODS) http.route({ pathPrefix: prefix, method, handler });
    return;
  }
  const extra = typeof cors === "object" ? cors : {};
  const router = corsRouter(http, {
    allowCredentials: true,
    allowedOrigins: async () => [...origins(), ...(extra.allowedOrigins ?? [])],
    allowedHeaders: ["Content-Type", "Better-Auth-Cookie", "Authorization", ...(extra.allowedHeaders ?? [])],
    exposedHeaders: ["Set-Better-Auth-Cookie", ...(extra.exposedHeaders ?? [])],
  });
  for (const method of METHODS) router.route({ pathPrefix: prefix, method, handler });
}

/**
 * Serves Better Auth's HTTP API from Convex HTTP actions under its
 * `basePath`, plus `/.well-known/openid-configuration`. It builds Better
 * Auth once at registration to read `basePath` and `trustedOrigins`.
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
  const basePath = auth.options?.basePath ?? DEFAULT_BASE_PATH;
  const origins = originsOf(auth);
  register(http, createAuth, basePath, options.cors, () => origins);
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
  let origins = options.trustedOrigins;
  register(
    http,
    createAuth,
    options.basePath ?? DEFAULT_BASE_PATH,
    options.cors,
    () => (origins ??= originsOf(createAuth({} as AuthCtx))),
  );
}
