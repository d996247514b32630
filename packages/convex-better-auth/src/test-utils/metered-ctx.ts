import { getFunctionName, type FunctionReference } from "convex/server";
import type { RunCtx } from "../auth-component/types.js";

/** One component call as the backend would bill it. */
export type MeteredCall = { fn: string; model?: string; documentsRead: number; args: unknown };

type TestLike = {
  query: (fn: (ctx: any) => Promise<any>) => Promise<any>;
  mutation: (fn: (ctx: any) => Promise<any>) => Promise<any>;
};

/**
 * A ctx for the adapter that runs every component call in its own
 * convex-test transaction and records the documents it read, from Convex's
 * own transaction metrics (every document in a scanned index range counts,
 * including ones a filter then drops).
 */
export function meteredCtx(t: TestLike): { ctx: RunCtx; calls: MeteredCall[] } {
  const calls: MeteredCall[] = [];
  const run = (kind: "query" | "mutation") => async (reference: FunctionReference<any, any>, args: any) => {
    const { result, documentsRead } = await t[kind](async (ctx: any) => {
      const result = kind === "query" ? await ctx.runQuery(reference, args) : await ctx.runMutation(reference, args);
      const metrics = await ctx.meta.getTransactionMetrics();
      return { result, documentsRead: metrics.documentsRead.used as number };
    });
    calls.push({ fn: getFunctionName(reference), model: args?.model ?? args?.input?.model, documentsRead, args });
    return result;
  };
  return { ctx: { runQuery: run("query"), runMutation: run("mutation") }, calls };
}
