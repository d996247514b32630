// The app's side of the `ledger` component: its own pagination, and calls into the component's.
import {
  componentsGeneric,
  mutationGeneric as mutation,
  paginationOptsValidator,
  queryGeneric as query,
  type FunctionReference,
  type PaginationOptions,
  type PaginationResult,
} from "convex/server";
import { v } from "convex/values";

type Caught = { name: string; message: string } | null;

export const components = componentsGeneric() as unknown as {
  ledger: {
    entries: {
      add: FunctionReference<"mutation", "internal", { text: string }, string>;
      list: FunctionReference<"query", "internal", Record<string, never>, string[]>;
      page: FunctionReference<
        "query",
        "internal",
        { paginationOpts: PaginationOptions },
        PaginationResult<{ text: string }>
      >;
      pageCaught: FunctionReference<"query", "internal", Record<string, never>, Caught>;
      whoami: FunctionReference<"query", "internal", Record<string, never>, string | null>;
      whoamiMutation: FunctionReference<"mutation", "internal", Record<string, never>, string | null>;
      whoamiAction: FunctionReference<
        "action",
        "internal",
        Record<string, never>,
        { action: string | null; ownQuery: string | null }
      >;
    };
  };
};

export const add = mutation({
  args: { text: v.string() },
  handler: async (ctx, { text }) => {
    await ctx.db.insert("notes", { text });
    await ctx.runMutation(components.ledger.entries.add, { text });
  },
});

/** The app paginates its own table. */
export const notesPage = query({
  args: { paginationOpts: paginationOptsValidator },
  handler: async (ctx, { paginationOpts }) => await ctx.db.query("notes").paginate(paginationOpts),
});

/** Reads the component without paginating. */
export const entries = query({
  args: {},
  handler: async (ctx) => await ctx.runQuery(components.ledger.entries.list, {}),
});

/** The component paginates, uncaught. */
export const entriesPage = query({
  args: { paginationOpts: paginationOptsValidator },
  handler: async (ctx, { paginationOpts }) => await ctx.runQuery(components.ledger.entries.page, { paginationOpts }),
});

/** The component paginates and catches what it gets. */
export const entriesPageCaught = query({
  args: {},
  handler: async (ctx) => await ctx.runQuery(components.ledger.entries.pageCaught, {}),
});
