/**
 * The value encoding of Convex snapshot exports (a table's `documents.jsonl`
 * next to a `generated_schema.jsonl` that says `"uniform"`): readable JSON
 * that still round-trips every Convex value. An int64 is a JSON integer
 * (`12`), a float64 a number with a dot or exponent (`12.0`, `1e+21`);
 * bytes and non-finite floats keep Convex's `{"$bytes": …}` / `{"$float": …}`
 * forms, and any object whose first key starts with `$` is read that way.
 */
import { convexToJson, jsonToConvex, type Value } from "convex/values";

/** `JSON.rawJSON` and the reviver's source text (Node 22), missing from TypeScript's lib. */
type SourceReviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown;
const RAW_JSON = JSON as unknown as {
  rawJSON(text: string): unknown;
  parse(text: string, reviver: SourceReviver): unknown;
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function exportValue(value: Value): unknown {
  if (typeof value === "bigint") return RAW_JSON.rawJSON(value.toString());
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return convexToJson(value);
    if (Object.is(value, -0)) return RAW_JSON.rawJSON("-0.0");
    const text = String(value);
    return RAW_JSON.rawJSON(/[.eE]/.test(text) ? text : `${text}.0`);
  }
  if (value instanceof ArrayBuffer) return convexToJson(value);
  if (Array.isArray(value)) return value.map(exportValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).flatMap(([key, field]) => (field === undefined ? [] : [[key, exportValue(field)]])),
    );
  }
  return value;
}

/**
 * One value (a document, typically) as a line of a snapshot's `documents.jsonl`.
 *
 * @example
 * ```ts
 * stringifyExportJson({ n: 1n, x: 1, b: new Uint8Array([1]).buffer }); // '{"n":1,"x":1.0,"b":{"$bytes":"AQ=="}}'
 * ```
 */
export function stringifyExportJson(value: Value): string {
  return JSON.stringify(exportValue(value));
}

/** A number literal was marked `{ [NUMBER_SOURCE]: text }` by the reviver. */
const NUMBER_SOURCE = Symbol("number source text");

function importValue(json: unknown): Value {
  if (json === null || typeof json === "boolean" || typeof json === "string") return json;
  if (typeof json === "object" && NUMBER_SOURCE in json) {
    const text = (json as { [NUMBER_SOURCE]: string })[NUMBER_SOURCE];
    if (/^-?[0-9]+$/.test(text)) {
      const integer = BigInt(text);
      if (integer >= INT64_MIN && integer <= INT64_MAX) return integer;
    }
    return Number(text);
  }
  if (Array.isArray(json)) return json.map(importValue);
  if (typeof json === "object") {
    const entries = Object.entries(json);
    if (entries[0]?.[0].startsWith("$")) return jsonToConvex(plainJson(json) as never);
    return Object.fromEntries(entries.map(([key, field]) => [key, importValue(field)]));
  }
  throw new Error(`Unexpected JSON value ${String(json)}`);
}

/** Undoes the reviver's number markers, for `jsonToConvex`. */
function plainJson(json: unknown): unknown {
  if (json === null || typeof json !== "object") return json;
  if (NUMBER_SOURCE in json) return Number((json as { [NUMBER_SOURCE]: string })[NUMBER_SOURCE]);
  if (Array.isArray(json)) return json.map(plainJson);
  return Object.fromEntries(Object.entries(json).map(([key, field]) => [key, plainJson(field)]));
}

/**
 * Parses one line of a snapshot's `documents.jsonl` (see the module comment);
 * throws `SyntaxError` on malformed JSON and `Error` on a malformed `$` form.
 *
 * @example
 * ```ts
 * parseExportJson('{"n":1,"x":1.0}'); // { n: 1n, x: 1 }
 * ```
 */
export function parseExportJson(text: string): Value {
  const marked = RAW_JSON.parse(text, (_key, value, context) =>
    typeof value === "number" ? { [NUMBER_SOURCE]: context.source ?? String(value) } : value,
  );
  return importValue(marked);
}
