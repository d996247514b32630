import { describe, expect, it } from "vitest";
import { SyncMutationLog, type MutationOutcome } from "./sync-mutation-log.ts";

describe("SyncMutationLog", () => {
  it("a re-send while the first attempt still runs waits for it instead of running again", async () => {
    const log = new SyncMutationLog();
    let runs = 0;
    let finish: (outcome: MutationOutcome) => void = () => {};
    const execute = () => {
      runs += 1;
      return new Promise<MutationOutcome>((resolve) => (finish = resolve));
    };
    const first = log.run("s:0", execute);
    const resent = log.run("s:0", execute);
    finish({ status: "success", result: "id1", ts: 5n, logLines: ["[LOG] 'x'"] });
    expect(await first).toMatchObject({ status: "success", result: "id1", ts: 5n, replayed: false });
    expect(await resent).toMatchObject({ status: "success", result: "id1", ts: 5n, replayed: true });
    expect(runs).toBe(1);
    expect(await log.run("s:0", execute)).toMatchObject({ replayed: true, ts: 5n });
    expect(
      await log.run("other:0", async () => ({ status: "success", result: "id2", ts: 6n, logLines: [] })),
    ).toMatchObject({
      result: "id2",
      replayed: false,
    });
  });

  it("does not remember failures: a re-sent failed mutation runs again", async () => {
    const log = new SyncMutationLog();
    let runs = 0;
    const failing = async (): Promise<MutationOutcome> => {
      runs += 1;
      return { status: "error", errorMessage: "boom", logLines: [] };
    };
    await log.run("s:1", failing);
    expect(await log.run("s:1", failing)).toMatchObject({ status: "error", replayed: false });
    expect(runs).toBe(2);
  });

  it("replays a durable record that `recall` finds (a restart emptied the memory) instead of running again", async () => {
    const log = new SyncMutationLog();
    let runs = 0;
    const execute = async (): Promise<MutationOutcome> => {
      runs += 1;
      return { status: "success", result: "second run", ts: 9n, logLines: [] };
    };
    const recorded = { result: "id1", ts: 5n, logLines: ["[LOG] 'sending'"] };
    expect(await log.run("s:2", execute, () => recorded)).toEqual({ status: "success", ...recorded, replayed: true });
    expect(await log.run("s:2", execute, () => null)).toMatchObject({ result: "id1", replayed: true });
    expect(await log.run("s:3", execute, () => null)).toMatchObject({ result: "second run", replayed: false });
    expect(runs).toBe(1);
  });
});
