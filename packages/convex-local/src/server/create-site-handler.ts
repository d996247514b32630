import type { DeployService } from "../deploy/deploy-service.ts";
import type { Caller, Engine } from "../engine/types.ts";
import type { FunctionLogStream } from "./function-log-stream.ts";
import { authenticateToken } from "../auth/index.ts";
import { parseAuthorization } from "./admin-auth.ts";

/** Convex's limit on an HTTP action's request body (`HTTP_ACTION_BODY_LIMIT`, 20 MiB). */
export const HTTP_ACTION_BODY_LIMIT = 20 * 1024 * 1024;

/** Serves one request on the site origin (HTTP actions). */
export type SiteHandler = (request: Request) => Promise<Response>;

/** What the site handler runs HTTP actions with; without an engine it only answers the 404s. */
export type SiteHandlerOptions = { engine?: Engine; adminKey?: string; logs?: FunctionLogStream };

/**
 * The site port's handler (also the cloud port's `/http/*`): runs the app's
 * HTTP actions through the engine, as the caller its `Authorization` header
 * names. Like the backend, a header that fails to authenticate does not
 * reject the request: the action runs anonymously and
 * `ctx.auth.getUserIdentity()` throws the auth error.
 *
 * @example
 * ```ts
 * const handle = createSiteHandler(deploy, { engine, adminKey, logs });
 * const response = await handle(new Request("http://127.0.0.1:3211/hello"));
 * ```
 */
export function createSiteHandler(deploy: DeployService, options: SiteHandlerOptions = {}): SiteHandler {
  const { engine, adminKey, logs } = options;
  return async (request) => {
    if (engine?.runHttpAction === undefined) return await routesOnly(deploy, request);
    const bounded = boundBody(request);
    if (bounded instanceof Response) return bounded;
    request = bounded;
    const { caller, authError } = await identify(request.headers.get("authorization"), engine, adminKey);
    const started = performance.now();
    const { pathname } = new URL(request.url);
    return await engine.runHttpAction(request, caller, {
      ...(authError ? { authError } : {}),
      onLogLines: (logLines) =>
        logs?.record({
          udfType: "HttpAction",
          identifier: `${request.method} ${pathname}`,
          componentPath: null,
          logLines,
          error: null,
          executionTimeMs: performance.now() - started,
        }),
    });
  };
}

async function identify(
  header: string | null,
  engine: Engine,
  adminKey: string | undefined,
): Promise<{ caller: Caller; authError?: Error }> {
  if (header === null || header === "") return { caller: { kind: "anonymous" } };
  try {
    if (header.startsWith("Bearer ")) {
      return {
        caller: await authenticateToken(header.slice("Bearer ".length).trim(), engine.current()?.authConfig ?? []),
      };
    }
    if (adminKey !== undefined) {
      const auth = parseAuthorization(header, adminKey);
      if (auth.kind === "admin")
        return { caller: auth.actingAs ? { kind: "admin", actingAs: auth.actingAs } : { kind: "admin" } };
    }
    return {
      caller: { kind: "anonymous" },
      authError: new Error("The Authorization header is neither `Bearer <token>` nor `Convex <admin key>`."),
    };
  } catch (error) {
    return { caller: { kind: "anonymous" }, authError: error instanceof Error ? error : new Error(String(error)) };
  }
}

/**
 * The request with its body limited to {@link HTTP_ACTION_BODY_LIMIT}: a
 * larger `Content-Length` is a 413 before the action runs; a body that
 * streams past the limit errors the action's read of it (`request.text()`
 * rejects), so no handler buffers an unbounded upload.
 */
function boundBody(request: Request): Request | Response {
  const tooLarge = `The request body exceeds the ${HTTP_ACTION_BODY_LIMIT} byte limit of HTTP actions.`;
  if (Number(request.headers.get("content-length") ?? 0) > HTTP_ACTION_BODY_LIMIT) return text(413, tooLarge);
  if (request.body === null) return request;
  let seen = 0;
  const limited = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > HTTP_ACTION_BODY_LIMIT) controller.error(new Error(tooLarge));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Request(request, { body: limited, duplex: "half" } as RequestInit);
}

/** Without an engine that runs HTTP actions: the backend's 404 texts, and 501 for a matched route. */
async function routesOnly(deploy: DeployService, request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const routes = deploy.deployed()?.analysis[""]?.functions["http.js"]?.httpRoutes;
  if (!routes) return text(404, "This Convex deployment does not have HTTP actions enabled.");
  const method = request.method === "HEAD" ? "GET" : request.method;
  const exact = routes.find((r) => r.route.method === method && r.route.path === pathname);
  const prefix = routes
    .filter(
      (r) => r.route.method === method && r.route.path.endsWith("*") && pathname.startsWith(r.route.path.slice(0, -1)),
    )
    .sort((a, b) => b.route.path.length - a.route.path.length)[0];
  if (!(exact ?? prefix)) return text(404, `No HttpAction routed for ${pathname}`);
  return text(501, `convex-local's engine does not run HTTP actions (${pathname} matches a route of convex/http.ts).`);
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}
