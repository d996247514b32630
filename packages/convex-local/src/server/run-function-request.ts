import type { Engine, RunRequest } from "../engine/types.ts";
import type { FunctionLogStream } from "./function-log-stream.ts";
import type { RequestAuth } from "./admin-auth.ts";
import { callerFromRequestAuth } from "../auth/caller-from-request-auth.ts";
import { CodedError } from "../deploy/coded-error.ts";
import { badAdminKey } from "./admin-auth.ts";
import { canonicalUdfPath } from "./canonical-udf-path.ts";
import { decodeArgs, encodeValue, parseFormat } from "./value-format.ts";

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
    throw new CodedError("Unauthorized", "Only admin or system users can call functions on non-root components directly", 403);
  }
  const args = decodeArgs(body.args);
  const started = performance.now();
  const result = await engine.run({ componentPath, udfPath, args, caller, ...(expectedType ? { expectedType } : {}) });
  logs.record({
    udfType:
      udfTypeOf?.(componentPath, udfPath) ?? (expectedType === "query" ? "Query" : expectedType === "action" ? "Action" : "Mutation"),
    identifier: udfPath,
    componentPath: componentPath || null,
    logLines: result.logLines,
    error: result.status === "error" ? result.errorMessage : null,
    executionTimeMs: performance.now() - started,
  });
  // The backend leaves `logLines` out when there are none.
  const logLines = result.logLines.length > 0 ? { logLines: result.logLines } : {};
  if (result.status === "success") {
    return { status: 200, body: { status: "success", value: encodeValue(result.value, format), ...logLines } };
  }
  return {
    status: 200,
    body: {
      status: "error",
      errorMessage: result.errorMessage,
      ...(result.errorData !== undefined ? { errorData: encodeValue(result.errorData, format) } : {}),
      ...logLines,
    },
  };
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
    throw new CodedError("MissingIdentifier", `${pathname} does not name a function: use /api/run/<module path>/<function name>.`);
  }
  const name = segments.pop()!;
  return `${segments.join("/")}:${name}`;
}
