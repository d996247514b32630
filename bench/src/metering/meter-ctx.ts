/**
 * Wraps a Convex function ctx so that every `runQuery`/`runMutation` the
 * library makes is logged with the documents it read.
 *
 * - In a query or mutation, nested calls fold their reads into the caller's
 *   transaction, so the reads of one call are the difference in
 *   `ctx.meta.getTransactionMetrics()` before and after it.
 * - An action (and an HTTP action) has no transaction, and each call it makes
 *   is its own. The call is then routed through the app's `meter:query` /
 *   `meter:mutation`, which make the same call from inside a transaction and
 *   return its reads. The proxy only exists while metering; timed runs call
 *   the component directly.
 */
import { createFunctionHandle, makeFunctionReference, type FunctionReference } from "convex/server";
import { isMetering, recordCall, type ComponentCall } from "./call-log.ts";

type AnyCtx = Record<string, any>;
type Kind = ComponentCall["kind"];

const proxies = {
  query: makeFunctionReference<"query">("meter:query"),
  mutation: makeFunctionReference<"mutation">("meter:mutation"),
};

/** `adapter.findOne` from a component function reference, for the log. */
function referenceName(reference: unknown): string {
  const path = (reference as Record<symbol, unknown>)?.[Symbol.for("toReferencePath")];
  if (typeof path === "string") return path.split("/").slice(-2).join(".");
  const name = (reference as Record<symbol, unknown>)?.[Symbol.for("functionName")];
  return typeof name === "string" ? name.replace(":", ".") : String(reference);
}

function modelOf(args: any): string | undefined {
  const model = args?.model ?? args?.input?.model;
  return typeof model === "string" ? model : undefined;
}

async function documentsReadSoFar(ctx: AnyCtx): Promise<number> {
  return (await ctx.meta.getTransactionMetrics()).documentsRead.used as number;
}

async function meteredCall(ctx: AnyCtx, kind: Kind, reference: FunctionReference<any, any>, args: any) {
  const run = kind === "query" ? ctx.runQuery : ctx.runMutation;
  let result: unknown;
  let documentsRead: number;
  if ("db" in ctx) {
    const before = await documentsReadSoFar(ctx);
    result = await run(reference, args);
    documentsRead = (await documentsReadSoFar(ctx)) - before;
  } else {
    const handle = await createFunctionHandle(reference);
    ({ result, documentsRead } = await run(proxies[kind], { handle, args: args ?? {} }));
  }
  recordCall({ kind, fn: referenceName(reference), model: modelOf(args), documentsRead });
  return result;
}

/**
 * `ctx` with metered `runQuery`/`runMutation` while metering is on; `ctx`
 * itself otherwise, so timed runs pay nothing for the meter.
 */
export function meterCtx<Ctx>(ctx: Ctx): Ctx {
  if (!isMetering() || ctx === null || typeof ctx !== "object") return ctx;
  const original = ctx as AnyCtx;
  const wrapped: AnyCtx = { ...original };
  // Only the methods the ctx has: libraries tell query from mutation ctx by them.
  if (typeof original.runQuery === "function") {
    wrapped.runQuery = (reference: FunctionReference<any, any>, args: any) =>
      meteredCall(original, "query", reference, args);
  }
  if (typeof original.runMutation === "function") {
    wrapped.runMutation = (reference: FunctionReference<any, any>, args: any) =>
      meteredCall(original, "mutation", reference, args);
  }
  return wrapped as Ctx;
}
