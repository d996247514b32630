import { v } from "convex/values";
import { components, internal } from "./_generated/api";
import { internalMutation, mutation, query } from "./_generated/server";

export const later = mutation({
  args: { name: v.string(), delayMs: v.number() },
  handler: async (ctx, { name, delayMs }) => await ctx.scheduler.runAfter(delayMs, internal.scheduled.record, { name }),
});

export const laterInCounter = mutation({
  args: { name: v.string(), delayMs: v.number() },
  handler: async (ctx, { name, delayMs }) =>
    await ctx.scheduler.runAfter(delayMs, components.counter.lib.increment, { name }),
});

export const record = internalMutation({
  args: { name: v.string() },
  handler: async (ctx, { name }) => {
    await ctx.db.insert("events", { name });
  },
});

export const events = query({
  args: {},
  handler: async (ctx) => (await ctx.db.query("events").collect()).map((event) => event.name),
});

export const jobs = query({
  args: {},
  handler: async (ctx) => await ctx.db.system.query("_scheduled_functions").collect(),
});
