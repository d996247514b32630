// The app calls into the `thrower` component and compares what each side sees in process.env.
import {
  actionGeneric as action,
  componentsGeneric,
  queryGeneric as query,
  type FunctionReference,
} from "convex/server";

type Env = Record<string, string>;

const components = componentsGeneric() as unknown as {
  thrower: {
    environment: {
      report: FunctionReference<"query", "internal", Record<string, never>, { env: Env; atModuleLoad: Env }>;
      reportFromAction: FunctionReference<"action", "internal", Record<string, never>, Env>;
    };
  };
};

export const fromQuery = query({
  args: {},
  handler: async (ctx) => {
    const component = await ctx.runQuery(components.thrower.environment.report, {});
    return { component, appAfter: { ...process.env } };
  },
});

export const fromAction = action({
  args: {},
  handler: async (ctx) => {
    const appBefore = { ...process.env };
    const component = await ctx.runAction(components.thrower.environment.reportFromAction, {});
    return { component, appBefore, appAfter: { ...process.env } };
  },
});
