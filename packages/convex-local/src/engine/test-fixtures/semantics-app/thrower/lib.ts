import { queryGeneric as query } from "convex/server";

export const fail = query({
  args: {},
  handler: async () => {
    throw new Error("component failure");
  },
});
