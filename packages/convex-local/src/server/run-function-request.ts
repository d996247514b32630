import type { Engine, RunRequest, RunResult } from "../engine/types.ts";
import type { FunctionLogStream } from "./function-log-stream.ts";
import type { RequestAuth } from "./admin-auth.ts";
import { callerFromRequestAuth } from "../auth/caller-from-request-auth.ts";
import { CodedError } from "../deploy/coded-error.ts";
import { badAdminKey } from "./admin-auth.ts";
import { canonicalUdfPath } from "./canonical-udf-path.ts";
import { decodeArgs, encodeValue, parseFormat, type ValueFormat } from "./value-format.ts";

export type FunctionApiReply = { status: number; body: unknown };

/**
 * Which route of the HTTP function API a request came in on:
 * `/api/function` (admin only, any type, optional `componentPath`),
 * `/api/query|mutation|action` (typed, root), or `/api/run/<module>/<fn>`
 * (any type, root, path from the URL, `json` format by default).
 */
export type FunctionApiRoute =
  | { kind: "function" }
  | { kind: "typed"; expectedType: NonNullable<RunRequest["expectedType"]> }
  | { kind: "run"; udfPath: string };

/**
 * Runs one call of the HTTP function API. A `Bearer` token is verified
 * against the deployment's auth providers first (401 with the backend's
 * `{code, message}` when invalid). Whenever the function ran the status is
 * 200, as on the backend: `{status:"success", value, logLines?}` or
 * `{status:"error", errorMessage, errorData?, logLines?}`. `ConvexHttpClient`
 * (and so `npx convex run`) reads both from a 200.
 *
 * @example
 * ```ts
 * const reply = await runFunctionRequest({ engine, logs, auth, route: { kind: "function" }, body: { path: "hello:hi", args: {} } });
 * ```
 */
export async function runFunctionRequest(options: {
  engine: Engine;
  logs: FunctionLogStream;
  auth: RequestAuth;
  route: FunctionApiRoute;
  body: unknown;
  /** The deployed type of a function, for the log tail. */
  udfTypeOf?: (componentPath: string, udfPath: string) => "Query" | "Mutation" | "Action" | undefined;
}): Promise<FunctionApiReply> {
  const { engine, logs, auth, route, udfTypeOf } = options;
  const body = (options.body ?? {}) as { path?: unknown; args?: unknown; format?: unknown; componentPath?: unknown };
  const format = parseFormat(body.format);
  const udfPath = route.kind === "run" ? route.udfPath : canonicalUdfPath(body.path);
  const componentPath = route.kind === "function" && typeof body.componentPath === "string" ? body.componentPath : "";
  const expectedType = route.kind === "typed" ? route.expectedType : undefined;
  const caller = await callerFromRequestAuth(auth, engine.current()?.authConfig ?? []);
  if (route.kind === "function" && caller.kind !== "admin") throw badAdminKey();
  if (componentPath !== "" && caller.kind !== "admin") {
    throw new CodedError(
      "Unauthorized",
      "Only admin or system users can call functions on non-root components directly",
      403,
    );
  }
  const args = decodeArgs(body.args);
  const started = performance.now();
  const result = await engine.run({ componentPath, udfPath, args, caller, ...(expectedType ? { expectedType } : {}) });
  logs.record({
    udfType:
      udfTypeOf?.(componentPath, udfPath) ??
      (expectedType === "query" ? "Query" : expectedType === "action" ? "Action" : "Mutation"),
    identifier: udfPath,
    componentPath: componentPath || null,
    logLines: result.logLines,
    error: result.status === "error" ? result.errorMessage : null,
    executionTimeMs: performance.now() - started,
  });
  return { status: 200, body: udfResponse(result, format) };
}

/** The backend's `UdfResponse`: the body of `/api/query` etc., and each item of `/api/query_batch`. */
function udfResponse(result: RunResult, format: ValueFormat): Record<string, unknown> {
  // The backend leaves `logLines` out when there are none.
  const logLines = result.logLines.length > 0 ? { logLines: result.logLines } : {};
  if (result.status === "success") return { status: "success", value: encodeValue(result.value, format), ...logLines };
  return {
    status: "error",
    errorMessage: result.errorMessage,
    ...(result.errorData !== undefined ? { errorData: encodeValue(result.errorData, format) } : {}),
    ...logLines,
  };
}

/**
 * How many times a query batch runs when commits keep landing while it runs;
 * the last attempt is answered even if one did.
 */
const QUERY_BATCH_ATTEMPTS = 5;

/**
 * Runs `POST /api/query_batch`: `{"queries": [{path, args, format?}, …]}`
 * answers HTTP 200 `{"results": [<UdfResponse>, …]}`, each item what
 * `/api/query` would answer for that query (a query that throws is a
 * `status: "error"` item; the others still run). Root-component public
 * queries only, with the same auth as `/api/query` (an invalid token fails
 * the whole request with 401). A malformed item (path, format, args) fails
 * the whole request with 400, as on the backend.
 *
 * The backend runs every query of a batch at one timestamp. convex-local's
 * engine runs transactions one at a time and reports its last commit ts, so
 * the batch is at one snapshot exactly when no commit landed between its
 * first query and its last; when one did, the batch runs again.
 *
 * @example
 * ```ts
 * const reply = await runQueryBatchRequest({ engine, logs, auth, body: { queries: [{ path: "messages:list", args: {} }] } });
 * reply.body; // { results: [{ status: "success", value: [...] }] }
 * ```
 */
export async function runQueryBatchRequest(options: {
  engine: Engine;
  logs: FunctionLogStream;
  auth: RequestAuth;
  body: unknown;
}): Promise<FunctionApiReply> {
  const { engine, logs, auth } = options;
  const items = (options.body as { queries?: unknown } | null)?.queries;
  if (!Array.isArray(items)) {
    throw new CodedError(
      "BadJsonBody",
      'The body of /api/query_batch must be {"queries": [{"path", "args", "format"?}, …]}.',
    );
  }
  const queries = items.map((item: unknown) => {
    const { path, args, format } = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    return { udfPath: canonicalUdfPath(path), args: decodeArgs(args), format: parseFormat(format) };
  });
  const caller = await callerFromRequestAuth(auth, engine.current()?.authConfig ?? []);
  const lastCommitTs = (engine as Partial<{ lastCommitTs(): bigint }>).lastCommitTs;
  const snapshot = typeof lastCommitTs === "function" ? () => lastCommitTs.call(engine) : null;

  let runs: { result: RunResult; executionTimeMs: number }[];
  for (let attempt = 1; ; attempt += 1) {
    const before = snapshot?.();
    runs = [];
    for (const { udfPath, args } of queries) {
      const started = performance.now();
      const result = await engine.run({ componentPath: "", udfPath, args, caller, expectedType: "query" });
      runs.push({ result, executionTimeMs: performance.now() - started });
    }
    if (snapshot === null || queries.length < 2 || snapshot() === before || attempt === QUERY_BATCH_ATTEMPTS) break;
  }
  // Only the answered attempt goes to the log tail, as if each query ran once.
  runs.forEach(({ result, executionTimeMs }, i) =>
    logs.record({
      udfType: "Query",
      identifier: queries[i]!.udfPath,
      componentPath: null,
      logLines: result.logLines,
      error: result.status === "error" ? result.errorMessage : null,
      executionTimeMs,
    }),
  );
  return { status: 200, body: { results: runs.map(({ result }, i) => udfResponse(result, queries[i]!.format)) } };
}

/**
 * The function `/api/run/<module path segments>/<fn>` names: segments are
 * URL-decoded, the last is the export. Fewer than two segments is the
 * backend's 400 `MissingIdentifier`.
 *
 * @example
 * ```ts
 * udfPathFromRunRoute("/api/run/dir/file/list"); // "dir/file:list"
 * ```
 */
export function udfPathFromRunRoute(pathname: string): string {
  const segments = pathname
    .slice("/api/run/".length)
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => decodeURIComponent(segment));
  if (segments.length < 2) {
    throw new CodedError(
      "MissingIdentifier",
      `${pathname} does not name a function: use /api/run/<module path>/<function name>.`,
    );
  }
  const name = segments.pop()!;
  return `${segments.join("/")}:${name}`;
}
