/**
 * Runs HTTP actions: routes a real `Request` with the app's `http.js` router
 * and invokes the handler through convex-test's `t.fetch`, so the handler
 * gets the same ctx (runQuery/runMutation/runAction with the caller's
 * identity, storage, scheduler) a test would.
 *
 * `t.fetch` builds its own `Request` on a fake origin from a path and init.
 * To hand the handler the real one (site-origin URL, streamed body), the
 * router's `lookup` is wrapped once per loaded router: inside a
 * {@link runHttpAction} call it returns an endpoint that swaps the real
 * request in. The swap is scoped by an AsyncLocalStorage, so concurrent
 * requests and `router.runRequest` are unaffected.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { convexToJson, type Value } from "convex/values";
import { newRequestId, uncaught, uncaughtErrorText } from "./format-run-error.ts";
import { withNestedCallErrors } from "./nested-call-errors.ts";
import type { HttpActionOptions } from "./types.ts";

/** What an HTTP action call needs from the engine's active deployment. */
export type HttpActionTarget = {
  /** Imports the root component's `http.js`, or null when the app has none. */
  loadHttpModule(): Promise<Record<string, unknown>> | null;
  /** convex-test's `fetch` on an accessor that already carries the caller's identity. */
  fetch(path: string, init: RequestInit): Promise<unknown>;
};

type Endpoint = { _handler?: (ctx: Record<string, unknown>, request: Request) => unknown };
type Router = { lookup: (path: string, method: string) => [Endpoint, string, string] | null };
type RoutedCall = { request: Request; authError: Error | null };

/** Methods an `HttpRouter` can route (HEAD is served as GET). */
const ROUTABLE_METHODS = new Set(["GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "HEAD"]);
const WRAPPED = Symbol.for("convex-local.httpRouterWrapped");
const routedCall = new AsyncLocalStorage<RoutedCall>();

function isRouter(value: unknown): value is Router {
  return typeof value === "object" && value !== null && typeof (value as Router).lookup === "function";
}

function wrapRouter(router: Router): void {
  const marked = router as Router & { [WRAPPED]?: true };
  if (marked[WRAPPED]) return;
  const lookup = router.lookup.bind(router);
  marked.lookup = (path, method) => {
    const found = lookup(path, method);
    const call = routedCall.getStore();
    if (found === null || call === undefined) return found;
    const [endpoint, routedMethod, label] = found;
    const handler = endpoint._handler ?? (endpoint as unknown as NonNullable<Endpoint["_handler"]>);
    const swapped: Endpoint = {
      _handler: (ctx, _fakeRequest) =>
        handler(
          withNestedCallErrors(call.authError === null ? ctx : { ...ctx, auth: failingAuth(call.authError) }),
          call.request,
        ),
    };
    return [swapped, routedMethod, label];
  };
  marked[WRAPPED] = true;
}

function failingAuth(error: Error): { getUserIdentity(): Promise<never> } {
  return { getUserIdentity: () => Promise.reject(error) };
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** ConvexError data as Convex JSON; `convex/server` may already have serialized it to a JSON string. */
function convexErrorData(error: { data?: unknown; ConvexErrorSymbol?: unknown }): unknown {
  if (error.ConvexErrorSymbol !== undefined && typeof error.data === "string") {
    try {
      return JSON.parse(error.data) as unknown;
    } catch {
      // Not the serialized form after all: encode the string itself.
    }
  }
  return convexToJson((error.data ?? null) as Value);
}

/**
 * The backend's 500 for an HTTP action that threw: `code` with the request
 * id and message, `trace` with the error text and its source-mapped frames
 * (never the engine's temporary module paths), `data` for a ConvexError.
 */
function errorResponse(error: unknown): Response {
  const isConvexError = typeof error === "object" && error !== null && Symbol.for("ConvexError") in error;
  const trace = uncaughtErrorText(error);
  const body: Record<string, unknown> = {
    code: `[Request ID: ${newRequestId()}] Server Error: ${error instanceof Error ? uncaught(error.name, error.message) : uncaught("", String(error))}`,
    trace,
  };
  if (isConvexError) body.data = convexErrorData(error as { data?: unknown; ConvexErrorSymbol?: unknown });
  return new Response(JSON.stringify(body), { status: 500, headers: { "content-type": "application/json" } });
}

/**
 * The backend's 500 for an HTTP action the backend itself failed (a
 * timeout): its message without `Uncaught` or frames, as `code` (with the
 * request id) and as `trace`.
 *
 * @example
 * httpActionErrorResponse("Function execution timed out (maximum duration: 1800s)");
 */
export function httpActionErrorResponse(message: string): Response {
  const body = { code: `[Request ID: ${newRequestId()}] Server Error: ${message}`, trace: message };
  return new Response(JSON.stringify(body), { status: 500, headers: { "content-type": "application/json" } });
}

/**
 * Serves `request` with the app's HTTP router: exact path, then longest
 * prefix; HEAD as GET without a body; the backend's 404 texts when there is
 * no `http.js` or no route. The handler sees `request` itself.
 *
 * @example
 * const response = await runHttpAction(target, new Request("http://127.0.0.1:3211/hello"));
 */
export async function runHttpAction(
  target: HttpActionTarget,
  request: Request,
  options: HttpActionOptions = {},
): Promise<Response> {
  const url = new URL(request.url);
  const loading = target.loadHttpModule();
  const router = loading === null ? null : (await loading).default;
  if (!isRouter(router)) return text(404, "This Convex deployment does not have HTTP actions enabled.");
  if (!ROUTABLE_METHODS.has(request.method)) return text(404, `No HttpAction routed for ${url.pathname}`);
  wrapRouter(router);

  let response: unknown;
  try {
    response = await routedCall.run({ request, authError: options.authError ?? null }, () =>
      target.fetch(`${url.pathname}${url.search}`, { method: request.method, headers: request.headers }),
    );
  } catch (error) {
    return errorResponse(error);
  }
  if (!(response instanceof Response)) return errorResponse(new Error("HTTP actions must return a Response"));
  if (request.method !== "HEAD") return response;
  await response.body?.cancel().catch(() => {});
  return new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers });
}
