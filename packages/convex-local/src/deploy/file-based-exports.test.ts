import { describe, expect, it } from "vitest";
import type { AnalyzedFunction, AnalyzedModule } from "./push-types.ts";
import { fileBasedExports } from "./file-based-exports.ts";

const fn = (name: string, kind: "public" | "internal" = "public"): AnalyzedFunction => ({
  name,
  udfType: "Query",
  visibility: { kind },
  args: '{"type":"any"}',
  returns: "null",
  pos: null,
});
const mod = (...functions: AnalyzedFunction[]): AnalyzedModule => ({
  functions,
  httpRoutes: null,
  cronSpecs: null,
  sourceMapped: null,
});

describe("fileBasedExports", () => {
  it("nests public functions by module path with sorted keys and skips internal ones", () => {
    expect(
      fileBasedExports({ "lib.js": mod(fn("set"), fn("get"), fn("secret", "internal")), "dir/file.js": mod(fn("x")) }),
    ).toEqual({
      type: "branch",
      branch: [
        [
          "dir",
          {
            type: "branch",
            branch: [
              ["file", { type: "branch", branch: [["x", { type: "leaf", leaf: "_reference/function/dir/file:x" }]] }],
            ],
          },
        ],
        [
          "lib",
          {
            type: "branch",
            branch: [
              ["get", { type: "leaf", leaf: "_reference/function/lib:get" }],
              ["set", { type: "leaf", leaf: "_reference/function/lib:set" }],
            ],
          },
        ],
      ],
    });
  });

  it("rejects a module whose path collides with a function name", () => {
    expect(() => fileBasedExports({ "a.js": mod(fn("b")), "a/b.js": mod(fn("c")) })).toThrow(/collides/);
  });
});
