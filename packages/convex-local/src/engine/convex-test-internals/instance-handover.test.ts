/**
 * Pins the hand-over of live databases from one convex-test instance to a
 * newer one, and waiting for convex-test's transaction lock.
 */
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { describe, expect, test } from "vitest";
import {
  componentFunctions,
  componentSchema,
  gate,
  modules,
  newInstance,
  root,
  rootFunctions,
} from "../test-fixtures/convex-test-internals-app.ts";
import { createTestInstance } from "./create-test-instance.ts";
import { functionHandle } from "./function-handle.ts";
import { adoptDatabase, redirectComponents, runWhenIdle, shareTransactionManager } from "./instance-handover.ts";
import { databaseSchema } from "./validation-database.ts";

describe("convex-test internals convex-local relies on", () => {
  test("a new instance can adopt live databases and share the transaction manager", async () => {
    const first = newInstance();
    const id = (await first.t.mutation(functionHandle("", "fns:add"), { text: "kept" })) as string;
    const stricter = defineSchema({
      notes: defineTable({ text: v.string(), extra: v.number() }),
      log: defineTable({ entry: v.string() }),
    });
    const second = createTestInstance(stricter, modules(rootFunctions));
    second.registerComponent("comp", componentSchema, modules(componentFunctions));
    shareTransactionManager(second.global, first.global.transactionManager);
    const liveRoot = root(first);
    await runWhenIdle(first.global.transactionManager, () => {
      adoptDatabase(second.global, "", liveRoot);
      adoptDatabase(second.global, "comp", first.global.components.comp!.db);
      redirectComponents(first.global, second.global);
    });
    expect(second.global.components[""]!.db).toBe(liveRoot);
    expect(databaseSchema(liveRoot)?.tables.has("notes")).toBe(true);
    expect(await second.t.query(functionHandle("", "fns:list"), {})).toMatchObject([{ _id: id }]);
    await expect(
      second.t.mutation(functionHandle("", "fns:add"), { text: "no extra" }),
      "the new schema applies",
    ).rejects.toThrow("Missing required field `extra`");
    expect(first.global.components[""], "the old instance now reaches the new entries").toBe(
      second.global.components[""],
    );
  });

  test("runWhenIdle waits for the running transaction", async () => {
    const instance = newInstance();
    const tm = instance.global.transactionManager;
    const running = instance.t.mutation(functionHandle("", "fns:gated"), {});
    for (let i = 0; i < 1000 && tm._waitOnCurrentFunction === null; i++)
      await new Promise((resolve) => setImmediate(resolve));
    expect(tm._waitOnCurrentFunction, "the gated mutation holds the transaction lock").not.toBeNull();
    let ran = false;
    const idle = runWhenIdle(tm, () => {
      ran = true;
      return { committed: Object.values(root(instance)._documents).some((doc) => doc.text === "gated") };
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ran, "must not run while the mutation holds the lock").toBe(false);
    gate.resolve();
    await running;
    expect(await idle).toEqual({ committed: true });
  });
});
