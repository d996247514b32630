import { convexToJson, jsonToConvex, type Value } from "convex/values";
import { CodedError } from "../deploy/coded-error.ts";

/** Output formats of the HTTP function API. */
export type ValueFormat = "convex_encoded_json" | "json" | "export_json";

/**
 * Reads the `format` field of an HTTP function request. Clients from npm
 * 1.4.1 on (and unknown clients) get `json` when they send none.
 *
 * @example
 * ```ts
 * parseFormat("convex_json"); // "convex_encoded_json"
 * parseFormat(undefined); // "json"
 * ```
 */
export function parseFormat(format: unknown): ValueFormat {
  if (format === undefined || format === null) return "json";
  if (format === "convex_encoded_json" || format === "convex_json") return "convex_encoded_json";
  if (format === "json" || format === "convex_clean_json") return "json";
  if (format === "export_json") return "export_json";
  throw new CodedError("BadFormat", `Invalid format ${JSON.stringify(format)}.`);
}

/**
 * Decodes Convex-JSON function arguments: one object, or the legacy
 * positional array holding one object.
 *
 * @example
 * ```ts
 * decodeArgs([{ n: { $integer: "AQAAAAAAAAA=" } }]); // { n: 1n }
 * ```
 */
export function decodeArgs(args: unknown): Record<string, unknown> {
  const one = Array.isArray(args) ? (args.length === 0 ? {} : args[0]) : (args ?? {});
  if (typeof one !== "object" || one === null || Array.isArray(one)) {
    throw new CodedError("InvalidArgs", "Function arguments must be an object.");
  }
  try {
    return jsonToConvex(one as never) as Record<string, unknown>;
  } catch (error) {
    throw new CodedError("InvalidArgs", `Invalid Convex JSON in the arguments: ${(error as Error).message}`);
  }
}

/**
 * Encodes a function result in the requested format: Convex JSON, or
 * "clean" JSON (int64 as decimal string, bytes as base64, NaN/±Infinity as
 * strings), or export JSON (int64 as a number).
 *
 * @example
 * ```ts
 * encodeValue(1n, "convex_encoded_json"); // { $integer: "AQAAAAAAAAA=" }
 * encodeValue(1n, "json"); // "1"
 * ```
 */
export function encodeValue(value: unknown, format: ValueFormat): unknown {
  // A function that returns nothing returns null on the wire.
  if (format === "convex_encoded_json") return convexToJson((value ?? null) as Value);
  return clean(value, format);
}

function clean(value: unknown, format: ValueFormat): unknown {
  if (value === undefined) return null;
  if (typeof value === "bigint") return format === "export_json" ? Number(value) : value.toString();
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (value === Infinity) return "Infinity";
    if (value === -Infinity) return "-Infinity";
    return value;
  }
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map((v) => clean(v, format));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, clean(v, format)]),
    );
  }
  return value;
}
