import type { Engine } from "../engine/types.ts";
import type { FunctionLogStream } from "./function-log-stream.ts";
import type { RequestAuth } from "./admin-auth.ts";
import { CodedError } from "../deploy/coded-error.ts";
import { consistentReadsOf, decodeTs, encodeTs, type ConsistentReads } from "../engine/consistent-reads.ts";
import { runFunctionRequest, type FunctionApiReply } from "./run-function-request.ts";

function readsOf(engine: Engine): ConsistentReads {
  const reads = consistentReadsOf(engine);
  if (reads === null)
    throw new CodedError(
      "NotImplemented",
      "This engine does not report its commits, so it cannot serve consistent queries.",
    );
  return reads;
}

/**
 * `POST /api/query_ts`: `{"ts": <encoded u64>}`, the latest commit's ts,
 * which `ConvexHttpClient.consistentQuery` then sends to `/api/query_at_ts`.
 *
 * @example
 * ```ts
 * queryTsReply(engine).body; // { ts: "AAAAAAAAAAA=" }
 * ```
 */
export function queryTsReply(engine: Engine): FunctionApiReply {
  return { status: 200, body: { ts: encodeTs(readsOf(engine).latestTs()) } };
}

/**
 * `POST /api/query_at_ts` with `{path, args, ts, format?}`: `/api/query`'s
 * answer as of `ts` (see `engine/consistent-reads.ts` for what convex-local
 * can serve and the backend's 503 when it can't).
 *
 * @example
 * ```ts
 * const reply = await runQueryAtTsRequest({ engine, logs, auth, body: { path: "messages:list", args: [{}], ts } });
 * ```
 */
export async function runQueryAtTsRequest(options: {
  engine: Engine;
  logs: FunctionLogStream;
  auth: RequestAuth;
  body: unknown;
  udfTypeOf?: (componentPath: string, udfPath: string) => "Query" | "Mutation" | "Action" | undefined;
}): Promise<FunctionApiReply> {
  const ts = decodeTs((options.body as { ts?: unknown } | null)?.ts);
  return await readsOf(options.engine).readAt(ts, "", () =>
    runFunctionRequest({ ...options, route: { kind: "typed", expectedType: "query" } }),
  );
}
