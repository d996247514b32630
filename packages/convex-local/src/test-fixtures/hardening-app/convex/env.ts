// Each function returns the whole `process.env` it sees. Reads are dynamic on
// purpose: the CLI's bundler replaces the literal `process.env.NODE_ENV`.
import {
  actionGeneric,
  internalMutationGeneric,
  makeFunctionReference,
  mutationGeneric,
  queryGeneric,
} from "convex/server";

const atModuleLoad = { ...process.env };
const recordRef = makeFunctionReference<"mutation">("env:record");

export const query = queryGeneric({ args: {}, handler: async () => ({ ...process.env }) });

export const mutation = mutationGeneric({ args: {}, handler: async () => ({ ...process.env }) });

export const action = actionGeneric({ args: {}, handler: async () => ({ ...process.env }) });

export const moduleLoad = queryGeneric({ args: {}, handler: async () => atModuleLoad });

/** `console.log(process.env)` goes to the caller's log lines: it must not print the host's environment. */
export const logged = queryGeneric({
  args: {},
  handler: async () => {
    console.log(process.env);
    return null;
  },
});

/** Writes are the function's own and never reach the host. */
export const write = actionGeneric({
  args: {},
  handler: async () => {
    process.env.WRITTEN_BY_FUNCTION = "yes";
    return process.env.WRITTEN_BY_FUNCTION ?? null;
  },
});

export const schedule = mutationGeneric({
  args: {},
  handler: async (ctx) => {
    await ctx.scheduler.runAfter(0, recordRef, { source: "scheduled" });
    return null;
  },
});

export const record = internalMutationGeneric({
  handler: async (ctx, { source }: { source: string }) => {
    await ctx.db.insert("envSnapshots", { source, env: JSON.stringify({ ...process.env }) });
  },
});

export const snapshots = queryGeneric({
  args: {},
  handler: async (ctx) => await ctx.db.query("envSnapshots").collect(),
});
