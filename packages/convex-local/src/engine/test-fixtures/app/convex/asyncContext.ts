import { v } from "convex/values";
import { action, query } from "./_generated/server";

// What a library bundled for Convex does: use the global AsyncLocalStorage
// if there is one, else keep the store in a variable (Better Auth's
// async_hooks/pure entry does exactly this).
type Storage = { run<R>(store: string, fn: () => R): R; getStore(): string | undefined };
class VariableStorage implements Storage {
  private current: string | undefined;
  run<R>(store: string, fn: () => R): R {
    const previous = this.current;
    this.current = store;
    const result = fn();
    if (result instanceof Promise) {
      return result.finally(() => {
        this.current = previous;
      }) as R;
    }
    this.current = previous;
    return result;
  }
  getStore() {
    return this.current;
  }
}
function storage(): Storage {
  const scope = globalThis as { AsyncLocalStorage?: new () => Storage; __fixtureStorage?: Storage };
  return (scope.__fixtureStorage ??= scope.AsyncLocalStorage ? new scope.AsyncLocalStorage() : new VariableStorage());
}

/** Enters `id`, waits across a function call, and reports what it saw before and after. */
export const probe = action({
  args: { id: v.string() },
  handler: async (ctx, { id }) => {
    const before = storage().getStore() ?? null;
    const after = await storage().run(id, async () => {
      await ctx.runQuery(api_ping, {});
      await new Promise((resolve) => setTimeout(resolve, 20));
      return storage().getStore() ?? null;
    });
    return { before, after };
  },
});

export const ping = query({ args: {}, handler: async () => "pong" });

const api_ping = "asyncContext:ping" as never;
