// Which user identity functions called by other functions see, in the app and in the `ledger` component.
import {
  actionGeneric as action,
  httpActionGeneric as httpAction,
  makeFunctionReference,
  mutationGeneric as mutation,
  queryGeneric as query,
} from "convex/server";
import { components } from "./ledger";

async function subject(ctx: { auth: { getUserIdentity(): Promise<{ subject: string } | null> } }) {
  return (await ctx.auth.getUserIdentity())?.subject ?? null;
}

const appWhoamiRef = makeFunctionReference<"query", Record<string, never>, string | null>("identity:appWhoami");
const fromMutationRef = makeFunctionReference<"mutation", Record<string, never>, Record<string, unknown>>(
  "identity:fromMutation",
);

export const appWhoami = query({ args: {}, handler: subject });

export const fromQuery = query({
  args: {},
  handler: async (ctx) => ({
    app: await subject(ctx),
    componentQuery: await ctx.runQuery(components.ledger.entries.whoami, {}),
    appQuery: await ctx.runQuery(appWhoamiRef, {}),
  }),
});

export const fromMutation = mutation({
  args: {},
  handler: async (ctx) => ({
    app: await subject(ctx),
    componentQuery: await ctx.runQuery(components.ledger.entries.whoami, {}),
    componentMutation: await ctx.runMutation(components.ledger.entries.whoamiMutation, {}),
  }),
});

export const fromAction = action({
  args: {},
  handler: async (ctx) => ({
    app: await subject(ctx),
    componentQuery: await ctx.runQuery(components.ledger.entries.whoami, {}),
    componentMutation: await ctx.runMutation(components.ledger.entries.whoamiMutation, {}),
    componentAction: await ctx.runAction(components.ledger.entries.whoamiAction, {}),
    appQuery: await ctx.runQuery(appWhoamiRef, {}),
    // The app's mutation gets the action's identity, and its transaction shares it with the component.
    appMutation: await ctx.runMutation(fromMutationRef, {}),
  }),
});

export const fromHttpAction = httpAction(async (ctx) => {
  const seen = {
    app: await subject(ctx),
    componentQuery: await ctx.runQuery(components.ledger.entries.whoami, {}),
    appQuery: await ctx.runQuery(appWhoamiRef, {}),
  };
  return Response.json(seen);
});
