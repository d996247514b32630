import type { Caller, Engine, RunRequest } from "../engine/types.ts";
import type { FunctionLogStream } from "./function-log-stream.ts";
import type { RequestAuth } from "./admin-auth.ts";
import { CodedError } from "../deploy/coded-error.ts";
import { badAdminKey } from "./admin-auth.ts";
import { canonicalUdfPath } from "./canonical-udf-path.ts";
import { decodeArgs, encodeValue, parseFormat } from "./value-format.ts";

/** The "function failed" status every Convex client accepts. */
export const FUNCTION_FAILED_STATUS = 560;

export type FunctionApiReply = { status: number; body: unknown };

/**
 * Runs one call of the HTTP function API: `/api/function` (admin only, any
 * function type, optional `componentPath`; what `npx convex run` uses) and
 * `/api/query`, `/api/mutation`, `/api/action` (typed, root component).
 * Success is `200 {status:"success", value, logLines}`; a function error is
 * `560 {status:"error", errorMessage, errorData?, logLines}`.
 *
 * @example
 * ```ts
 * const reply = await runFunctionRequest({ engine, logs, auth, expectedType: undefined, body: { path: "hello:hi", args: {} } });
 * ```
 */
export async function runFunctionRequest(options: {
  engine: Engine;
  logs: FunctionLogStream;
  auth: RequestAuth;
  /** Undefined for `/api/function` (any type, admin only). */
  expectedType: RunRequest["expectedType"];
  body: unknown;
  /** The deployed type of a function, for the log tail. */
  udfTypeOf?: (componentPath: string, udfPath: string) => "Query" | "Mutation" | "Action" | undefined;
}): Promise<FunctionApiReply> {
  const { engine, logs, auth, expectedType, udfTypeOf } = options;
  const body = (options.body ?? {}) as { path?: unknown; args?: unknown; format?: unknown; componentPath?: unknown };
  const format = parseFormat(body.format);
  const udfPath = canonicalUdfPath(body.path);
  const componentPath = typeof body.componentPath === "string" ? body.componentPath : "";
  const caller = callerOf(auth);
  if (expectedType === undefined && caller.kind !== "admin") throw badAdminKey();
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
  if (result.status === "success") {
    return { status: 200, body: { status: "success", value: encodeValue(result.value, format), logLines: result.logLines } };
  }
  return {
    status: FUNCTION_FAILED_STATUS,
    body: {
      status: "error",
      errorMessage: result.errorMessage,
      ...(result.errorData !== undefined ? { errorData: encodeValue(result.errorData, format) } : {}),
      logLines: result.logLines,
    },
  };
}

function callerOf(auth: RequestAuth): Caller {
  if (auth.kind === "admin") return auth.actingAs ? { kind: "admin", actingAs: auth.actingAs } : { kind: "admin" };
  if (auth.kind === "bearer") {
    // Verifying user JWTs against auth.config.ts providers belongs to the
    // engine, whose contract has no entry point for it yet.
    throw new CodedError("NoAuthProvider", "convex-local cannot verify user tokens yet: call without a token or with the admin key.", 401);
  }
  return { kind: "anonymous" };
}
