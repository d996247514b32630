/**
 * Pins which syscalls convex-test makes for queries, as read-set tracking sees them.
 */
import { describe, expect, test } from "vitest";
import { newInstance } from "../test-fixtures/convex-test-internals-app.ts";
import { functionHandle, scheduledTargetComponent } from "./function-handle.ts";
import { wrapSyncSyscall, wrapSyscalls } from "./wrap-syscalls.ts";

describe("convex-test internals convex-local relies on", () => {
  test("query syscalls: streams are sync, nested component calls are `1.0/runUdf` with the target's address", async () => {
    // read-set-tracking.ts follows component calls through `1.0/runUdf` and sees table reads in `1.0/queryStream`.
    const instance = newInstance();
    const seen: string[] = [];
    wrapSyncSyscall(instance.global, (original) => (op, json) => {
      if (op === "1.0/queryStream")
        seen.push(`sync ${op} ${JSON.stringify((JSON.parse(json) as { query: { source: unknown } }).query.source)}`);
      return original(op, json);
    });
    wrapSyscalls(instance.global, {
      async: (original) => async (op, json) => {
        if (op === "1.0/runUdf")
          seen.push(`async ${op} ${(JSON.parse(json) as { functionHandle?: string }).functionHandle}`);
        return await original(op, json);
      },
    });
    expect(await instance.t.query(functionHandle("", "fns:countInComponent"), {})).toBe(0);
    expect(seen).toEqual([
      "async 1.0/runUdf function://comp;fns:count",
      'sync 1.0/queryStream {"type":"FullTableScan","tableName":"items","order":null}',
    ]);
    expect(scheduledTargetComponent({ functionHandle: "function://comp;fns:count" }, "")).toBe("comp");
  });
});
