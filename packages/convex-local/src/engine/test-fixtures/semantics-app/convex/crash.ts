import { v } from "convex/values";
import { anyApi as internal } from "convex/server";
import {
  actionGeneric as action,
  internalActionGeneric as internalAction,
  internalMutationGeneric as internalMutation,
  mutationGeneric as mutation,
  queryGeneric as query,
} from "convex/server";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The default runtime's version of an uncaught exception in a timer. */
export const throwInTimer = action({
  args: {},
  handler: async () => {
    setTimeout(() => {
      throw new Error("thrown in a timer");
    }, 0);
    await sleep(1_000);
    return "finished";
  },
});

export const rejectUnhandled = action({
  args: {},
  handler: async () => {
    void Promise.reject(new Error("nobody handles this"));
    await sleep(1_000);
    return "finished";
  },
});

export const hang = action({ args: {}, handler: async () => await new Promise(() => {}) });

export const ping = query({ args: {}, handler: async () => "pong" });

export const items = query({ args: {}, handler: async (ctx) => await ctx.db.query("items").collect() });

/** Schedules a job that cancels itself while it runs. */
export const scheduleSelfCancel = mutation({
  args: { kind: v.union(v.literal("mutation"), v.literal("action")) },
  handler: async (ctx, { kind }) =>
    kind === "mutation"
      ? await ctx.scheduler.runAfter(0, internal.crash.cancelOwnJobMutation, {})
      : await ctx.scheduler.runAfter(0, internal.crash.cancelOwnJobAction, {}),
});

export const cancelOwnJobMutation = internalMutation({
  args: {},
  handler: async (ctx) => {
    const jobs = await ctx.db.system.query("_scheduled_functions").collect();
    const own = jobs.find((job) => job.name.endsWith("cancelOwnJobMutation") && job.state.kind !== "canceled");
    if (own) await ctx.scheduler.cancel(own._id);
  },
});

export const cancelOwnJobAction = internalAction({
  args: {},
  handler: async (ctx) => {
    const jobs: { _id: string; name: string; state: { kind: string } }[] = await ctx.runQuery(internal.crash.jobs, {});
    const own = jobs.find((job) => job.name.endsWith("cancelOwnJobAction") && job.state.kind === "inProgress");
    if (own) await ctx.scheduler.cancel(own._id as never);
  },
});

/** Schedules an action whose timer throws: the job fails, the backend stays up. */
export const scheduleCrashingJob = mutation({
  args: {},
  handler: async (ctx) => await ctx.scheduler.runAfter(0, internal.nodeCrash.throwInTimer, {}),
});

/** Schedules an action that never finishes: the action time limit fails the job. */
export const scheduleHang = mutation({
  args: { runtime: v.union(v.literal("isolate"), v.literal("node")) },
  handler: async (ctx, { runtime }) =>
    runtime === "node"
      ? await ctx.scheduler.runAfter(0, internal.nodeCrash.hang, {})
      : await ctx.scheduler.runAfter(0, internal.crash.hang, {}),
});

export const jobs = query({
  args: {},
  handler: async (ctx) => await ctx.db.system.query("_scheduled_functions").collect(),
});
