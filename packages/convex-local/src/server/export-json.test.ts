import fc from "fast-check";
import type { Value } from "convex/values";
import { describe, expect, it } from "vitest";
import { parseExportJson, stringifyExportJson } from "./export-json.ts";

const bytes = (...values: number[]) => new Uint8Array(values).buffer;

/** Arbitrary Convex values (objects with field names Convex allows). */
const convexValue: fc.Arbitrary<Value> = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.string(),
    fc.double(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.uint8Array({ maxLength: 8 }).map((a) => a.slice().buffer as ArrayBuffer),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,6}$/), tie("value"), { maxKeys: 3 }),
  ),
})).value;

/** Equality that tells int64 from float64, -0 from 0, and compares bytes and NaN by content. */
function same(a: Value, b: Value): boolean {
  if (a instanceof ArrayBuffer && b instanceof ArrayBuffer) return Buffer.from(a).equals(Buffer.from(b));
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]!));
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => same((a as Record<string, Value>)[k]!, (b as Record<string, Value>)[k]!))
    );
  }
  return a === b;
}

describe("snapshot export JSON", () => {
  it("writes int64 as integers, floats with a dot, bytes and non-finite floats in their $ forms", () => {
    expect(
      stringifyExportJson({
        i: 12n,
        f: 12,
        g: 0.5,
        z: -0,
        big: 1e21,
        b: bytes(1, 2, 3),
        nan: NaN,
        s: "x",
        a: [1n, null, true],
      }),
    ).toBe(
      '{"i":12,"f":12.0,"g":0.5,"z":-0.0,"big":1e+21,"b":{"$bytes":"AQID"},"nan":{"$float":"AAAAAAAA+H8="},"s":"x","a":[1,null,true]}',
    );
  });

  it("reads integers as int64 and numbers with a dot or exponent as float64", () => {
    expect(parseExportJson('{"i":12,"f":12.0,"e":1e3,"big":9223372036854775807,"over":9223372036854775808}')).toEqual({
      i: 12n,
      f: 12,
      e: 1000,
      big: 2n ** 63n - 1n,
      // Beyond int64: a float, as Convex reads it.
      over: 9223372036854775808,
    });
  });

  it("round-trips every Convex value", () => {
    fc.assert(
      fc.property(convexValue, (value) => {
        const back = parseExportJson(stringifyExportJson(value));
        if (!same(value, back)) throw new Error(`${stringifyExportJson(value)} came back as ${String(back)}`);
      }),
      { numRuns: 500 },
    );
  });
});
