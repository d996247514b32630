// What a component's functions see in process.env. Reads are dynamic on
// purpose: the CLI's bundler replaces literal `process.env.NAME` reads.
import { actionGeneric, queryGeneric } from "convex/server";

const atModuleLoad = { ...process.env };

export const report = queryGeneric({
  args: {},
  handler: async () => ({ env: { ...process.env }, atModuleLoad }),
});

export const reportFromAction = actionGeneric({ args: {}, handler: async () => ({ ...process.env }) });
