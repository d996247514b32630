import { v } from "convex/values";
import { paginationOptsValidator, queryGeneric as query } from "convex/server";

/** Texts of the notes matching `text` on the `search_text` index, in the order the search answers. */
export const searchNotes = query({
  args: { text: v.string(), author: v.optional(v.string()) },
  handler: async (ctx, { text, author }) =>
    (
      await ctx.db
        .query("notes")
        .withSearchIndex("search_text", (q) =>
          author === undefined ? q.search("text", text) : q.search("text", text).eq("author", author),
        )
        .collect()
    ).map((note) => note.text),
});

export const searchPage = query({
  args: { text: v.string(), paginationOpts: paginationOptsValidator },
  handler: async (ctx, { text, paginationOpts }) => {
    const page = await ctx.db
      .query("notes")
      .withSearchIndex("search_text", (q) => q.search("text", text))
      .paginate(paginationOpts);
    return { ...page, page: page.page.map((note) => note.text) };
  },
});

export const stagedRange = query({
  args: {},
  handler: async (ctx) =>
    await ctx.db
      .query("notes")
      .withIndex("by_text_staged" as never)
      .collect(),
});

export const stagedSearch = query({
  args: {},
  handler: async (ctx) =>
    await ctx.db
      .query("notes")
      .withSearchIndex("search_text_staged" as never, (q) =>
        (q as { search(field: string, text: string): never }).search("text", "x"),
      )
      .collect(),
});
