"use node";
// A Node action: process.env here must be the deployment's too.
import { actionGeneric } from "convex/server";
import os from "node:os";

export const read = actionGeneric({
  args: {},
  handler: async () => ({ env: { ...process.env }, platform: os.platform() }),
});
