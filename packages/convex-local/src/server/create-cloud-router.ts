import type { IncomingMessage, ServerResponse } from "node:http";
import type { DeployService } from "../deploy/deploy-service.ts";
import type { StartPushRequest } from "../deploy/push-types.ts";
import type { Engine, RunRequest } from "../engine/types.ts";
import type { FunctionLogStream } from "./function-log-stream.ts";
import type { SiteHandler } from "./create-site-handler.ts";
import type { SyncHub } from "./sync-hub.ts";
import { CodedError, isCodedError } from "../deploy/coded-error.ts";
import { parseAuthorization, requireAdmin } from "./admin-auth.ts";
import {
  runFunctionRequest,
  runQueryBatchRequest,
  udfPathFromRunRoute,
  type FunctionApiRoute,
} from "./run-function-request.ts";
import { toWebRequest, writeWebResponse } from "./node-fetch-bridge.ts";
import { MAX_FUNCTION_BODY_BYTES, readBody, readJsonBody } from "./read-json-body.ts";
import type { SnapshotService } from "./snapshot-service.ts";
import { snapshotRoute } from "./snapshot-routes.ts";
import type { SystemQueries } from "./system-queries.ts";
import { runSystemQueryRequest } from "./system-query-request.ts";
import { queryTsReply, runQueryAtTsRequest } from "./consistent-query-request.ts";
import { apiCorsHeaders, writeApiPreflight } from "./api-cors.ts";
import { internalErrorReply } from "./internal-error-reply.ts";

export type CloudRouterContext = {
  adminKey: string;
  cloudUrl: string;
  siteUrl: string;
  deploy: DeployService;
  engine: Engine;
  logs: FunctionLogStream;
  hub: SyncHub;
  site: SiteHandler;
  version: string;
  /** `_system/*` queries over `/api/query` and `/api/function` (the sync socket has its own). */
  systemQueries?: SystemQueries;
  /** `npx convex import` / `export` (`snapshot-routes.ts`). */
  snapshots?: SnapshotService;
  /** Put the stack of an internal error in its 500 response (`--dev-errors`); by default it only goes to stderr. */
  devErrors?: boolean;
};

type Reply = { status: number; body: unknown };

const TYPED_FUNCTION_ROUTES: Record<string, NonNullable<RunRequest["expectedType"]>> = {
  "/api/query": "query",
  "/api/mutation": "mutation",
  "/api/action": "action",
};

/**
 * The cloud origin's HTTP routes: readiness (`/version`), the CLI's deploy
 * API, env vars, the log tail, the HTTP function API (`/api/query_batch`
 * included) and `/http/*` (HTTP actions, same as the site port). Errors are `{code, message}` JSON with
 * the status of their class. Unknown `/api/*` routes answer 400, never 404:
 * the CLI retries every 404 six times.
 *
 * @example
 * ```ts
 * const server = http.createServer(createCloudRouter(context));
 * ```
 */
export function createCloudRouter(context: CloudRouterContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void route(context, req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (isCodedError(error)) return writeJson(res, error.status, { code: error.code, message: error.message }, req);
      const reply = internalErrorReply(error, {
        devErrors: context.devErrors === true,
        label: `${req.method} ${req.url}`,
      });
      writeJson(res, reply.status, reply.body, req);
    });
  };
}

async function route(context: CloudRouterContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const pathname = url.pathname;
  const method = req.method ?? "GET";

  if (pathname.startsWith("/api/") && method === "OPTIONS") return writeApiPreflight(req, res);
  if (pathname === "/http" || pathname.startsWith("/http/")) {
    return writeWebResponse(res, await context.site(toWebRequest(req, "/http")), method);
  }
  if (method === "GET" && pathname === "/")
    return writeText(res, 200, "This Convex deployment is running. See https://docs.convex.dev/.");
  if (method === "GET" && pathname === "/version") return writeText(res, 200, context.version);
  if (method === "GET" && pathname === "/instance_name") return writeText(res, 200, "convex-local");
  if (method === "GET" && pathname === "/instance_version") return writeText(res, 200, context.version);
  if (method === "GET" && pathname === "/.well-known/jwks.json") {
    // The keys `ctx.auth.signJwt` signs with, when the engine offers them (beyond the Engine contract).
    const jwks = (context.engine as Partial<{ jwks(): unknown }>).jwks;
    if (typeof jwks === "function") return writeJson(res, 200, jwks.call(context.engine), req);
  }
  if (!pathname.startsWith("/api/")) return writeText(res, 404, `Not found: ${pathname}`);
  if (pathname.startsWith("/api/storage/") && context.engine.serveStorage !== undefined) {
    // File uploads and downloads (engine `storage-http.ts`); the URLs carry their own authorization.
    const response = await context.engine.serveStorage(toWebRequest(req));
    for (const [name, value] of Object.entries(apiCorsHeaders(req))) response.headers.set(name, value);
    return writeWebResponse(res, response, method);
  }

  const reply = await apiRoute(context, req, res, pathname, method, url);
  if (reply) writeJson(res, reply.status, reply.body, req);
}

async function apiRoute(
  context: CloudRouterContext,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  method: string,
  url: URL,
): Promise<Reply | null> {
  const { deploy, hub } = context;
  const admin = () => requireAdmin(req.headers.authorization, context.adminKey);

  if (method === "POST" && pathname === "/api/query_batch") {
    // Several queries at one snapshot; same auth as /api/query. No client of convex 1.49 sends it.
    const auth = parseAuthorization(req.headers.authorization, context.adminKey);
    return await runQueryBatchRequest({
      engine: context.engine,
      logs: context.logs,
      auth,
      body: await readJsonBody(req, { maxBytes: MAX_FUNCTION_BODY_BYTES }),
    });
  }

  if (method === "POST" && pathname === "/api/query_ts") return queryTsReply(context.engine);
  if (method === "POST" && pathname === "/api/query_at_ts") {
    return await runQueryAtTsRequest({
      engine: context.engine,
      logs: context.logs,
      auth: parseAuthorization(req.headers.authorization, context.adminKey),
      body: await readJsonBody(req, { maxBytes: MAX_FUNCTION_BODY_BYTES }),
      udfTypeOf: (componentPath, udfPath) => udfTypeOf(deploy, componentPath, udfPath),
    });
  }

  const route = functionApiRoute(method, pathname);
  if (route !== null) {
    const auth = parseAuthorization(req.headers.authorization, context.adminKey);
    // `GET /api/query?path=…&args=<JSON>&format=…` carries the body in the query string.
    const body =
      method === "GET"
        ? {
            path: url.searchParams.get("path") ?? undefined,
            args: parseQueryArgs(url.searchParams.get("args")),
            format: url.searchParams.get("format") ?? undefined,
          }
        : await readJsonBody(req, { maxBytes: MAX_FUNCTION_BODY_BYTES });
    const system = context.systemQueries
      ? runSystemQueryRequest({ systemQueries: context.systemQueries, auth, route, body })
      : null;
    if (system !== null) return system;
    const reply = await runFunctionRequest({
      engine: context.engine,
      logs: context.logs,
      auth,
      route,
      body,
      udfTypeOf: (componentPath, udfPath) => udfTypeOf(deploy, componentPath, udfPath),
    });
    if (!(route.kind === "typed" && route.expectedType === "query") && !hub.engineReportsCommits) hub.notifyCommit();
    return reply;
  }

  admin();
  const snapshot = context.snapshots ? await snapshotRoute(context.snapshots, req, res, url) : undefined;
  if (snapshot !== undefined) return snapshot;
  switch (`${method} ${pathname}`) {
    case "GET /api/check_admin_key":
    case "POST /api/check_admin_key":
      return { status: 200, body: { ok: true } };
    case "GET /api/v1/get_canonical_urls":
      return { status: 200, body: { convexCloudUrl: context.cloudUrl, convexSiteUrl: context.siteUrl } };
    case "GET /api/stream_function_logs": {
      const cursor = Number(url.searchParams.get("cursor") ?? "0");
      const abort = new AbortController();
      res.on("close", () => abort.abort());
      return { status: 200, body: await context.logs.poll(Number.isFinite(cursor) ? cursor : 0, abort.signal) };
    }
    case "POST /api/get_config_hashes":
      await readBody(req);
      return { status: 200, body: deploy.getConfigHashes() };
    case "POST /api/deploy2/start_push":
      return { status: 200, body: await deploy.startPush((await readJsonBody(req)) as StartPushRequest) };
    case "POST /api/deploy2/evaluate_push":
      return { status: 200, body: await deploy.evaluatePush((await readJsonBody(req)) as StartPushRequest) };
    case "POST /api/deploy2/evaluate_schema":
      await readBody(req);
      return { status: 200, body: deploy.evaluateSchema() };
    case "POST /api/deploy2/wait_for_schema":
      return { status: 200, body: await deploy.waitForSchema((await readJsonBody(req)) as never) };
    case "POST /api/deploy2/finish_push": {
      const diff = await deploy.finishPush((await readJsonBody(req)) as never);
      hub.notifyCommit();
      return { status: 200, body: diff };
    }
    case "POST /api/deploy2/report_push_completed":
      await readBody(req);
      return { status: 200, body: null };
    case "POST /api/update_environment_variables": {
      const body = (await readJsonBody(req)) as { changes?: unknown };
      deploy.updateEnvironmentVariables(body.changes);
      hub.notifyCommit();
      return { status: 200, body: {} };
    }
    default:
      throw new CodedError("NotImplemented", `convex-local does not implement ${method} ${pathname}.`, 400);
  }
}

function functionApiRoute(method: string, pathname: string): FunctionApiRoute | null {
  if (method === "GET" && pathname === "/api/query") return { kind: "typed", expectedType: "query" };
  if (method !== "POST") return null;
  if (pathname === "/api/function") return { kind: "function" };
  const expectedType = TYPED_FUNCTION_ROUTES[pathname];
  if (expectedType) return { kind: "typed", expectedType };
  if (pathname.startsWith("/api/run/")) return { kind: "run", udfPath: udfPathFromRunRoute(pathname) };
  return null;
}

function parseQueryArgs(args: string | null): unknown {
  if (args === null) return {};
  try {
    return JSON.parse(args);
  } catch {
    throw new CodedError("BadJsonBody", "The `args` query parameter is not valid JSON.");
  }
}

function udfTypeOf(
  deploy: DeployService,
  componentPath: string,
  udfPath: string,
): "Query" | "Mutation" | "Action" | undefined {
  const state = deploy.deployed();
  const instance = state?.instances.find((i) => i.componentPath === componentPath);
  if (!state || !instance) return undefined;
  const [modulePath, name] = udfPath.split(":");
  return state.analysis[instance.definitionPath]?.functions[`${modulePath}.js`]?.functions.find((f) => f.name === name)
    ?.udfType;
}

function writeJson(res: ServerResponse, status: number, body: unknown, req: IncomingMessage): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...apiCorsHeaders(req) });
  res.end(text);
}

function writeText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(body);
}
