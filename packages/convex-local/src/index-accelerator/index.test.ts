import { expect, test } from "vitest";
import * as entry from "./index.ts";

test("the convex-local/index-accelerator entry exposes the engine's accelerator", () => {
  expect(Object.keys(entry).sort()).toEqual([
    "indexAcceleratorStats",
    "installIndexAccelerator",
    "setIndexVerification",
  ]);
  entry.installIndexAccelerator();
  expect(entry.indexAcceleratorStats()).toEqual(expect.any(Object));
});
