import { describe, expect, it } from "vitest";
import { FunctionLogStream } from "./function-log-stream.ts";

const call = {
  udfType: "Query" as const,
  identifier: "hello:hi",
  componentPath: null,
  logLines: ["[WARN] 'careful'"],
  error: null,
  executionTimeMs: 2,
};

describe("FunctionLogStream", () => {
  it("holds a poll with nothing new until an execution arrives", async () => {
    const logs = new FunctionLogStream();
    const head = await logs.poll(0, new AbortController().signal);
    expect(head.entries).toEqual([]);
    const started = Date.now();
    const poll = logs.poll(head.newCursor, new AbortController().signal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    logs.record(call);
    const { entries, newCursor } = await poll;
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: "Completion", identifier: "hello:hi", udfType: "Query" });
    expect(entries[0].logLines[0]).toMatchObject({ level: "WARN", messages: ["'careful'"] });
    expect((await logs.poll(newCursor, AbortSignal.timeout(50))).entries).toEqual([]);
  });

  it("answers at once when there is history after the cursor, and on abort", async () => {
    const logs = new FunctionLogStream();
    logs.record(call);
    expect((await logs.poll(0, new AbortController().signal)).entries).toHaveLength(1);
    const abort = new AbortController();
    const pending = logs.poll(Number.MAX_SAFE_INTEGER, abort.signal);
    abort.abort();
    expect((await pending).entries).toEqual([]);
  });
});
