/**
 * Better Auth transactions over several component calls: journaled writes
 * commit together, roll back together when the callback throws, and are
 * rolled back by the expiry job when the caller dies before committing.
 */
import { betterAuth } from "better-auth";
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { INLINE_UNDO_ENTRIES } from "../component-api/transaction-journal.js";
import { ROLLED_BACK_RETENTION_MS, UNDO_BATCH } from "../component-api/transaction-finish.js";
import schema from "../component/schema.js";
import { isConvexBetterAuthError } from "../shared/errors.js";
import { deferredCommitsOf, finalWriteOf } from "../shared/deferred-commits.js";
import { convexAdapter } from "./adapter.js";
import type { AuthComponentApi, RunCtx } from "./types.js";

const modules = {
  "/component/_generated/api.js": async () => ({}),
  "/component/adapter.js": () => import("../component/adapter.js"),
};
const component = { adapter: anyApi.adapter } as unknown as AuthComponentApi;
const api = anyApi.adapter as any;
const TIMEOUT = 5_000;

function setup() {
  const t = convexTest(schema, modules);
  // Every component call is its own transaction, as from an HTTP action.
  const ctx: RunCtx = {
    runQuery: (reference, args) => t.query(reference as any, args),
    runMutation: (reference, args) => t.mutation(reference as any, args),
  };
  const adapter = convexAdapter(ctx, component, { transactionTimeoutMs: TIMEOUT })({});
  const rows = (table: string) => t.run((db) => db.db.query(table as never).collect()) as Promise<any[]>;
  return { t, ctx, adapter, rows };
}

const user = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Name ${id}`,
  email: `${id}@example.com`,
  emailVerified: false,
  createdAt: new Date(),
  updatedAt: new Date(),
  ...extra,
});

afterEach(() => {
  vi.useRealTimers();
});

describe("rollback when the callback throws", () => {
  test("creates, updates and deletes are undone, newest first", async () => {
    const { adapter, rows } = setup();
    await adapter.create({ model: "user", data: user("keep", { image: "old.png" }), forceAllowId: true });
    await adapter.create({ model: "user", data: user("gone"), forceAllowId: true });

    await expect(
      adapter.transaction(async (trx) => {
        await trx.create({ model: "user", data: user("new"), forceAllowId: true });
        await trx.update({
          model: "user",
          where: [{ field: "id", value: "keep" }],
          update: { name: "Renamed", image: null },
        });
        await trx.update({ model: "user", where: [{ field: "id", value: "keep" }], update: { name: "Twice" } });
        await trx.delete({ model: "user", where: [{ field: "id", value: "gone" }] });
        expect(await trx.count({ model: "user" })).toBe(2);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");

    const users = await rows("user");
    expect(users.map((u) => u.id).sort()).toEqual(["gone", "keep"]);
    const keep = users.find((u) => u.id === "keep");
    expect(keep.name).toBe("Name keep");
    expect(keep.image).toBe("old.png");
    expect(await rows("adapterTransaction")).toEqual([]);
  });

  test("a field the write added is removed again", async () => {
    const { adapter, rows } = setup();
    await adapter.create({ model: "user", data: user("u1"), forceAllowId: true });
    await expect(
      adapter.transaction(async (trx) => {
        await trx.update({ model: "user", where: [{ field: "id", value: "u1" }], update: { image: "new.png" } });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await rows("user"))[0]).not.toHaveProperty("image");
  });

  test("a value written after ours by someone else is kept", async () => {
    const { adapter, rows } = setup();
    await adapter.create({ model: "user", data: user("u1"), forceAllowId: true });
    await expect(
      adapter.transaction(async (trx) => {
        await trx.update({
          model: "user",
          where: [{ field: "id", value: "u1" }],
          update: { name: "Ours", image: "ours.png" },
        });
        // A concurrent request, outside this transaction.
        await adapter.update({ model: "user", where: [{ field: "id", value: "u1" }], update: { name: "Theirs" } });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const [row] = await rows("user");
    expect(row.name).toBe("Theirs");
    expect(row).not.toHaveProperty("image");
  });

  test(`more writes than fit inline (${INLINE_UNDO_ENTRIES}) or in one rollback step (${UNDO_BATCH}) all roll back`, async () => {
    const { adapter, rows } = setup();
    const count = UNDO_BATCH + INLINE_UNDO_ENTRIES + 10;
    await expect(
      adapter.transaction(async (trx) => {
        for (let i = 0; i < count; i++) {
          await trx.create({ model: "user", data: user(`bulk-${i}`), forceAllowId: true });
        }
        expect(await trx.count({ model: "user" })).toBe(count);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await rows("user")).toEqual([]);
    expect(await rows("adapterTransactionUndo")).toEqual([]);
    expect(await rows("adapterTransaction")).toEqual([]);
  });
});

test("a first write whose undo is too large to keep inline is spilled and still rolls back", async () => {
  const { adapter, rows } = setup();
  const image = "i".repeat(300 * 1024);
  await adapter.create({ model: "user", data: user("big", { image }), forceAllowId: true });
  await expect(
    adapter.transaction(async (trx) => {
      await trx.delete({ model: "user", where: [{ field: "id", value: "big" }] });
      expect(await rows("adapterTransactionUndo")).toHaveLength(1);
      throw new Error("boom");
    }),
  ).rejects.toThrow("boom");
  const [restored] = await rows("user");
  expect(restored.id).toBe("big");
  expect(restored.image).toBe(image);
  expect(await rows("adapterTransactionUndo")).toEqual([]);
});

describe("commit", () => {
  test("keeps the writes and leaves no bookkeeping, spilled or not", async () => {
    const { t, adapter, rows } = setup();
    const result = await adapter.transaction(async (trx) => {
      for (let i = 0; i < INLINE_UNDO_ENTRIES + 5; i++) {
        await trx.create({ model: "user", data: user(`c-${i}`), forceAllowId: true });
      }
      return "done";
    });
    expect(result).toBe("done");
    expect(await rows("user")).toHaveLength(INLINE_UNDO_ENTRIES + 5);
    expect(await rows("adapterTransaction")).toEqual([]);
    expect(await rows("adapterTransactionUndo")).toEqual([]);
    const jobs = await t.run((ctx) => ctx.db.system.query("_scheduled_functions").collect());
    expect(jobs.map((job) => job.state.kind)).toEqual(["canceled"]);
  });

  test("a transaction with only reads and no-op writes makes no bookkeeping", async () => {
    const { t, adapter, rows } = setup();
    await adapter.transaction(async (trx) => {
      await trx.findOne({ model: "user", where: [{ field: "id", value: "nobody" }] });
      await trx.update({ model: "user", where: [{ field: "id", value: "nobody" }], update: { name: "x" } });
      await trx.deleteMany({ model: "session", where: [{ field: "userId", value: "nobody" }] });
    });
    expect(await rows("adapterTransaction")).toEqual([]);
    expect(await t.run((ctx) => ctx.db.system.query("_scheduled_functions").collect())).toEqual([]);
  });

  test("the bookkeeping tables are not Better Auth models", async () => {
    const { t } = setup();
    for (const model of ["adapterTransaction", "adapterTransactionUndo"]) {
      const error = await t.query(api.findMany, { model }).catch((e: unknown) => e);
      expect(isConvexBetterAuthError(error, "UNKNOWN_MODEL")).toBe(true);
    }
  });
});

describe("a caller that dies before committing", () => {
  // What an HTTP action leaves behind when its process is killed between
  // two writes of one transaction: journaled writes and no commit.
  async function halfWrittenSignUp(t: ReturnType<typeof setup>["t"], txnId: string) {
    const transaction = { id: txnId, timeoutMs: TIMEOUT };
    await t.mutation(api.create, {
      input: { model: "user", data: { ...user("orphan"), createdAt: 1, updatedAt: 1 } },
      transaction,
    });
  }

  test("is rolled back by the expiry job once the timeout passes without a write", async () => {
    vi.useFakeTimers();
    const { t, rows } = setup();
    await halfWrittenSignUp(t, "txn-1");
    expect(await rows("user")).toHaveLength(1);

    vi.advanceTimersByTime(TIMEOUT - 1);
    await t.finishInProgressScheduledFunctions();
    expect(await rows("user")).toHaveLength(1);

    vi.advanceTimersByTime(2);
    await t.finishInProgressScheduledFunctions();
    expect(await rows("user")).toEqual([]);

    // The dead caller's late commit or write is refused, not started afresh.
    const commit = await t.mutation(api.commitTransaction, { id: "txn-1" }).catch((e: unknown) => e);
    expect(isConvexBetterAuthError(commit, "TRANSACTION_EXPIRED")).toBe(true);
    const write = await t
      .mutation(api.create, {
        input: { model: "user", data: { ...user("late"), createdAt: 1, updatedAt: 1 } },
        transaction: { id: "txn-1", timeoutMs: TIMEOUT },
      })
      .catch((e: unknown) => e);
    expect(isConvexBetterAuthError(write, "TRANSACTION_EXPIRED")).toBe(true);
    expect(await rows("user")).toEqual([]);

    // The rolled-back marker goes once no action could still be running.
    vi.advanceTimersByTime(ROLLED_BACK_RETENTION_MS + 1);
    await t.finishInProgressScheduledFunctions();
    expect(await rows("adapterTransaction")).toEqual([]);
  });

  test("a transaction that keeps writing is not expired mid-way", async () => {
    vi.useFakeTimers();
    const { t, rows } = setup();
    const transaction = { id: "txn-slow", timeoutMs: TIMEOUT };
    await t.mutation(api.create, {
      input: { model: "user", data: { ...user("a"), createdAt: 1, updatedAt: 1 } },
      transaction,
    });
    for (let step = 0; step < 3; step++) {
      vi.advanceTimersByTime(TIMEOUT - 1_000);
      await t.finishInProgressScheduledFunctions();
      await t.mutation(api.updateOne, {
        input: { model: "user", where: [{ field: "id", value: "a" }], update: { name: `step ${step}` } },
        transaction,
      });
    }
    expect(await t.mutation(api.commitTransaction, { id: "txn-slow" })).toEqual({ isDone: true });
    vi.advanceTimersByTime(10 * TIMEOUT);
    await t.finishInProgressScheduledFunctions();
    expect((await rows("user"))[0].name).toBe("step 2");
  });
});

describe("Better Auth flows", () => {
  function auth(ctx: RunCtx, hooks: Record<string, unknown> = {}) {
    return betterAuth({
      baseURL: "http://localhost:3000",
      secret: "a-test-secret-that-is-long-enough-0123456789",
      database: convexAdapter(ctx, component),
      emailAndPassword: { enabled: true },
      databaseHooks: hooks,
      logger: { disabled: true },
    });
  }

  test("regression: a sign-up whose session creation fails leaves no user without a session behind", async () => {
    const { ctx, rows } = setup();
    const a = auth(ctx, {
      session: {
        create: {
          before: async () => {
            throw new Error("session store unavailable");
          },
        },
      },
    });
    const response = await a.handler(
      new Request("http://localhost:3000/api/auth/sign-up/email", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "ada@example.com", password: "password1234", name: "Ada" }),
      }),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await rows("user")).toEqual([]);
    expect(await rows("account")).toEqual([]);

    // The email is free again: a retry succeeds.
    const retry = await auth(ctx).api.signUpEmail({
      body: { email: "ada@example.com", password: "password1234", name: "Ada" },
    });
    expect(retry.user.email).toBe("ada@example.com");
    expect(await rows("account")).toHaveLength(1);
  });

  test("a successful sign-up commits user, account and session in one transaction", async () => {
    const { t, ctx, rows } = setup();
    await auth(ctx).api.signUpEmail({ body: { email: "bob@example.com", password: "password1234", name: "Bob" } });
    expect(await rows("user")).toHaveLength(1);
    expect(await rows("account")).toHaveLength(1);
    expect(await rows("session")).toHaveLength(1);
    expect(await rows("adapterTransaction")).toEqual([]);
    const jobs = await t.run((c) => c.db.system.query("_scheduled_functions").collect());
    expect(jobs.every((job) => job.state.kind === "canceled")).toBe(true);
  });
});

describe("deferred commits (registerRoutes)", () => {
  function deferredSetup() {
    const { t, adapter, rows } = setup();
    const calls: string[] = [];
    const ctx: RunCtx = {
      runQuery: (reference, args) => t.query(reference as any, args),
      runMutation: (reference, args) => {
        calls.push(
          `${(args as { input?: { model?: string } }).input?.model ?? ""}${"commit" in (args as object) ? "+commit" : ""}`,
        );
        return t.mutation(reference as any, args);
      },
    };
    const deferring = convexAdapter(ctx, component, { transactionTimeoutMs: TIMEOUT })({});
    const commits = deferredCommitsOf(deferring)!;
    commits.enable();
    return { t, adapter, deferring, commits, calls, rows };
  }

  test("a transaction's commit rides on the request's next write, in the same mutation", async () => {
    const { deferring, commits, calls, rows } = deferredSetup();
    await deferring.transaction(async (trx) => {
      await trx.create({ model: "user", data: user("u1"), forceAllowId: true });
    });
    // Still open: nothing committed it yet.
    expect(await rows("adapterTransaction")).toHaveLength(1);
    await deferring.create({ model: "user", data: user("u2"), forceAllowId: true });
    expect(await rows("adapterTransaction")).toHaveLength(0);
    await commits.flush();
    // Two writes, no commit call of its own.
    expect(calls).toEqual(["user", "user+commit"]);
  });

  test("what no later write carried is committed by flush", async () => {
    const { deferring, commits, calls, rows } = deferredSetup();
    await deferring.transaction(async (trx) => {
      await trx.create({ model: "user", data: user("u1"), forceAllowId: true });
    });
    await commits.flush();
    expect(await rows("adapterTransaction")).toHaveLength(0);
    expect((await rows("user")).map((u) => u.id)).toEqual(["u1"]);
    expect(calls).toEqual(["user", ""]);
  });

  test("a failed write does not lose the commit it carried: flush still commits", async () => {
    const { deferring, commits, rows } = deferredSetup();
    await deferring.transaction(async (trx) => {
      await trx.create({ model: "user", data: user("u1"), forceAllowId: true });
    });
    // A duplicate email fails the whole mutation, the carried commit included.
    await expect(
      deferring.create({ model: "user", data: user("u1", { id: "u9" }), forceAllowId: true }),
    ).rejects.toThrow();
    expect(await rows("adapterTransaction")).toHaveLength(1);
    await commits.flush();
    expect(await rows("adapterTransaction")).toHaveLength(0);
    expect((await rows("user")).map((u) => u.id)).toEqual(["u1"]);
  });
});

describe("a final write commits its transaction (registerRoutes, finalWriteOf)", () => {
  const session = (id: string, userId: string) => ({
    id,
    userId,
    token: `token-${id}`,
    expiresAt: new Date(Date.now() + 3_600_000),
    createdAt: new Date(),
    updatedAt: new Date(),
  });

  function finalWriteSetup() {
    const { t, rows } = setup();
    const calls: string[] = [];
    const record = (kind: string, args: unknown) => {
      const { input, model } = args as { input?: { model?: string }; model?: string };
      calls.push(`${kind} ${input?.model ?? model ?? ""}`.trim());
    };
    const ctx: RunCtx = {
      runQuery: (reference, args) => {
        record("query", args);
        return t.query(reference as any, args);
      },
      runMutation: (reference, args) => {
        record("mutation", args);
        return t.mutation(reference as any, args);
      },
    };
    const adapter = convexAdapter(ctx, component, { transactionTimeoutMs: TIMEOUT })({});
    deferredCommitsOf(adapter)!.enable(finalWriteOf("/api/auth/sign-up/email", "/api/auth"));
    return { t, ctx, adapter, calls, rows };
  }

  test("sign-up makes 4 component calls: its session insert commits the transaction (no commit call)", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
    const { t, ctx, calls, rows } = finalWriteSetup();
    const auth = betterAuth({
      baseURL: "http://localhost:3000",
      secret: "a-test-secret-that-is-long-enough-0123456789",
      database: convexAdapter(ctx, component, { transactionTimeoutMs: TIMEOUT }),
      emailAndPassword: { enabled: true },
      logger: { disabled: true },
    });
    // What registerRoutes does around each request.
    const commits = deferredCommitsOf((await auth.$context).adapter)!;
    commits.enable(finalWriteOf("/api/auth/sign-up/email", "/api/auth"));
    const response = await auth.handler(
      new Request("http://localhost:3000/api/auth/sign-up/email", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "four@example.com", password: "password1234", name: "Four" }),
      }),
    );
    await commits.flush();
    expect(response.status).toBe(200);
    // If Better Auth adds a write after createSession, the session insert no
    // longer ends the transaction and a fifth call (the commit) appears here.
    expect(calls).toEqual(["query user", "mutation user", "mutation account", "mutation session"]);
    expect((await rows("adapterTransaction")).map((row) => row.state)).toEqual(["provisional"]);

    // The undo is dropped at the timeout; the sign-up stays.
    vi.advanceTimersByTime(TIMEOUT + 1);
    await t.finishInProgressScheduledFunctions();
    expect(await rows("adapterTransaction")).toEqual([]);
    expect(await rows("user")).toHaveLength(1);
    expect(await rows("account")).toHaveLength(1);
    expect(await rows("session")).toHaveLength(1);
  });

  test("a throw after the final write still rolls the whole transaction back", async () => {
    const { adapter, rows } = finalWriteSetup();
    await expect(
      adapter.transaction(async (trx) => {
        await trx.create({ model: "user", data: user("u1"), forceAllowId: true });
        await trx.create({ model: "session", data: session("s1", "u1"), forceAllowId: true });
        throw new Error("setting the cookie failed");
      }),
    ).rejects.toThrow("setting the cookie failed");
    expect(await rows("user")).toEqual([]);
    expect(await rows("session")).toEqual([]);
    expect(await rows("adapterTransaction")).toEqual([]);
  });

  test("a write after the final write reopens the transaction, which a crash then rolls back entirely", async () => {
    vi.useFakeTimers();
    const { t, rows } = setup();
    const transaction = { id: "txn-reopened", timeoutMs: TIMEOUT };
    await t.mutation(api.create, {
      input: { model: "user", data: { ...user("u1"), createdAt: 1, updatedAt: 1 } },
      transaction,
    });
    await t.mutation(api.create, {
      input: { model: "session", data: { ...session("s1", "u1"), expiresAt: 2, createdAt: 1, updatedAt: 1 } },
      transaction: { ...transaction, lastWrite: true },
    });
    expect((await rows("adapterTransaction"))[0].state).toBe("provisional");
    await t.mutation(api.updateOne, {
      input: { model: "user", where: [{ field: "id", value: "u1" }], update: { name: "changed" } },
      transaction,
    });
    expect((await rows("adapterTransaction"))[0].state).toBe("open");
    // The caller dies here.
    vi.advanceTimersByTime(TIMEOUT + 1);
    await t.finishInProgressScheduledFunctions();
    expect(await rows("user")).toEqual([]);
    expect(await rows("session")).toEqual([]);
  });

  test("only the endpoint's own path gets a final write", () => {
    expect(finalWriteOf("/api/auth/sign-up/email", "/api/auth/")).toEqual({ model: "session", action: "create" });
    expect(finalWriteOf("/api/auth/sign-in/email", "/api/auth")).toBeUndefined();
    expect(finalWriteOf("/other/sign-up/email", "/api/auth")).toBeUndefined();
    expect(finalWriteOf("/api/auth/constructor", "/api/auth")).toBeUndefined();
  });
});
