/**
 * `_system/*` queries over the HTTP function API: `npx convex import`
 * lists running imports with `ConvexHttpClient.query("_system/cli/queryImport:list")`
 * before it uploads, so `/api/query` and `/api/function` answer system
 * queries too (admin only), from the same {@link SystemQueries} the sync
 * socket uses.
 */
import type { RequestAuth } from "./admin-auth.ts";
import { badAdminKey } from "./admin-auth.ts";
import { canonicalUdfPath } from "./canonical-udf-path.ts";
import type { FunctionApiReply, FunctionApiRoute } from "./run-function-request.ts";
import { SystemQueries } from "./system-queries.ts";
import { decodeArgs, encodeValue, parseFormat } from "./value-format.ts";

/**
 * The reply to a function API call of a `_system/*` query, or null when the
 * call names another function (or on a route that can't name one).
 *
 * @example
 * ```ts
 * const reply = runSystemQueryRequest({ systemQueries, auth, route, body });
 * if (reply !== null) return reply;
 * ```
 */
export function runSystemQueryRequest(options: {
  systemQueries: SystemQueries;
  auth: RequestAuth;
  route: FunctionApiRoute;
  body: unknown;
}): FunctionApiReply | null {
  const { systemQueries, auth, route } = options;
  if (route.kind === "run" || (route.kind === "typed" && route.expectedType !== "query")) return null;
  const body = (options.body ?? {}) as { path?: unknown; args?: unknown; format?: unknown; componentPath?: unknown };
  if (typeof body.path !== "string") return null;
  const udfPath = canonicalUdfPath(body.path);
  if (!SystemQueries.isSystemPath(udfPath)) return null;
  if (auth.kind !== "admin") throw badAdminKey();
  const componentPath = typeof body.componentPath === "string" ? body.componentPath : "";
  const result = systemQueries.run(udfPath, decodeArgs(body.args), componentPath);
  const format = parseFormat(body.format);
  return {
    status: 200,
    body: result.ok
      ? { status: "success", value: encodeValue(result.value, format) }
      : { status: "error", errorMessage: result.errorMessage },
  };
}
