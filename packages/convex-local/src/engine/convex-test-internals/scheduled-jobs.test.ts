/**
 * Pins how restored jobs go back through convex-test's scheduler, and the job
 * documents it writes.
 */
import { makeFunctionReference } from "convex/server";
import { convexToJson, type Value } from "convex/values";
import { describe, expect, test } from "vitest";
import { newInstance, root } from "../test-fixtures/convex-test-internals-app.ts";
import { loadDatabase, tableDocuments } from "./database-contents.ts";
import { markScheduledJobFailed, rearmScheduledJob } from "./scheduled-jobs.ts";

describe("convex-test internals convex-local relies on", () => {
  test("a restored pending job runs through convex-test's scheduler under its own id", async () => {
    const instance = newInstance();
    const jobId = "000000000000010007_scheduled_functions";
    const job = {
      _id: jobId,
      _creationTime: 1,
      name: "fns:record",
      args: [{ entry: "ran" }],
      scheduledTime: Date.now() - 5,
      state: { kind: "pending" },
    };
    loadDatabase(root(instance), {
      documents: [{ tableName: "_scheduled_functions", document: job }],
      files: [],
      nextDocId: 10008,
      lastCreationTime: 1,
    });
    await rearmScheduledJob(
      instance,
      {
        id: jobId,
        componentPath: "",
        targetComponentPath: "",
        udfPath: "fns:record",
        args: { entry: "ran" },
        scheduledTime: job.scheduledTime,
      },
      (a) => convexToJson(a as Value),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await (
      instance.t as unknown as { finishInProgressScheduledFunctions(): Promise<void> }
    ).finishInProgressScheduledFunctions();
    const jobs = [...tableDocuments(root(instance), "_scheduled_functions")];
    expect(
      jobs.map((j) => [j._id, (j.state as { kind: string }).kind]),
      "no second document, state moved to success",
    ).toEqual([[jobId, "success"]]);
    expect([...tableDocuments(root(instance), "log")].map((d) => d.entry)).toEqual(["ran"]);
  });

  test("a job can be marked failed the way convex-test's scheduler does", async () => {
    const instance = newInstance();
    const jobId = "000000000000010001_scheduled_functions";
    const job = {
      _id: jobId,
      _creationTime: 1,
      name: "fns:record",
      args: [{}],
      scheduledTime: 1,
      state: { kind: "inProgress" },
    };
    loadDatabase(root(instance), {
      documents: [{ tableName: "_scheduled_functions", document: job }],
      files: [],
      nextDocId: 10002,
      lastCreationTime: 1,
    });
    await markScheduledJobFailed(instance, "", jobId);
    expect(root(instance)._documents[jobId]).toMatchObject({
      state: { kind: "failed" },
      completedTime: expect.any(Number),
    });
  });

  test("makeFunctionReference names reach the scheduler of the calling component", async () => {
    const instance = newInstance();
    await instance.t.runInComponent("", async (ctx) => {
      await ctx.scheduler.runAfter(0, makeFunctionReference("fns:record"), { entry: "cron" });
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await (
      instance.t as unknown as { finishInProgressScheduledFunctions(): Promise<void> }
    ).finishInProgressScheduledFunctions();
    expect([...tableDocuments(root(instance), "log")].map((d) => d.entry)).toEqual(["cron"]);
    // The job document shape restore-scheduled-jobs.ts reads back after a restart.
    expect([...tableDocuments(root(instance), "_scheduled_functions")]).toEqual([
      expect.objectContaining({
        name: "fns:record",
        args: [{ entry: "cron" }],
        scheduledTime: expect.closeTo(Date.now(), -3),
        state: { kind: "success" },
      }),
    ]);
  });
});
