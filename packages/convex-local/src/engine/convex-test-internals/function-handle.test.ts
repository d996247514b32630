/**
 * Pins how convex-test addresses functions across components.
 */
import { describe, expect, test } from "vitest";
import { newInstance } from "../test-fixtures/convex-test-internals-app.ts";
import { functionHandle, scheduledTargetComponent } from "./function-handle.ts";

describe("convex-test internals convex-local relies on", () => {
  test("function handles address any component and resolve through convex-test", async () => {
    const instance = newInstance();
    expect(functionHandle("comp", "fns:add")).toBe("function://comp;fns:add");
    await instance.t.mutation(functionHandle("comp", "fns:add"), { n: 5 });
    expect(await instance.t.query(functionHandle("comp", "fns:count"), {})).toBe(1);
    expect(await instance.t.query(functionHandle("", "fns:list"), {})).toEqual([]);
  });

  test("schedule targets follow Convex's address forms", () => {
    expect(scheduledTargetComponent({ functionHandle: "function://a/b;m:f" }, "")).toBe("a/b");
    expect(scheduledTargetComponent({ reference: "_reference/childComponent/counter/lib/increment" }, "")).toBe(
      "counter",
    );
    expect(scheduledTargetComponent({ reference: "_reference/childComponent/inner/lib/f" }, "outer")).toBe(
      "outer/inner",
    );
    expect(scheduledTargetComponent({}, "outer")).toBe("outer");
  });
});
