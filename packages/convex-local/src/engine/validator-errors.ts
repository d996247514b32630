/**
 * The backend's validation of function arguments and return values, with
 * its texts (`crates/common/src/schemas/validator.rs`): which check fails
 * first, the `Path: .a[0]` context, and values and validators printed the
 * backend's way (`{n: 1.0}`, `v.object({n: v.float64()})`).
 *
 * convex-test validates too, but reports `Validator error: Expected
 * \`string\`, got \`1\``; apps and tests match on the backend's text.
 */
import { jsonToConvex, type JSONValue } from "convex/values";
import { tableNameFromId } from "./convex-test-internals.ts";

/** A validator as `exportArgs()`/`exportReturns()` give it (`ValidatorJSON` of convex/values). */
export type ValidatorJson =
  | { type: "null" | "number" | "bigint" | "commitTs" | "boolean" | "string" | "bytes" | "any" }
  | { type: "literal"; value: JSONValue }
  | { type: "id"; tableName: string }
  | { type: "array"; value: ValidatorJson }
  | { type: "record"; keys: ValidatorJson; values: FieldJson }
  | { type: "object"; value: Record<string, FieldJson> }
  | { type: "union"; value: ValidatorJson[] }
  | { type: string };

type FieldJson = { fieldType: ValidatorJson; optional: boolean };

/** Object keys in the backend's order (a `BTreeMap` of field names: byte order). */
function sortedKeys(object: object): string[] {
  return Object.keys(object).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** A float the way Rust's `{:?}` prints an `f64`: `1.0`, `0.5`, `1e-5`, `1e16`, `NaN`, `inf`. */
function floatText(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(n);
  if (abs < 1e-4 || abs >= 1e16) return n.toExponential().replace("e+", "e");
  const text = String(n);
  return text.includes(".") ? text : `${text}.0`;
}

/** A string the way Rust's `{:?}` prints it. */
function stringText(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, (_, hex: string) => `\\u{${hex.replace(/^0/, "")}}`);
}

/**
 * A Convex value the way the backend's `Display` prints it.
 *
 * @example
 * valueText({ n: 1, tags: ["a"] }); // '{n: 1.0, tags: ["a"]}'
 */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return String(value);
  if (typeof value === "number") return floatText(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "string") return stringText(value);
  if (value instanceof ArrayBuffer) return `b${JSON.stringify(Buffer.from(value).toString("base64"))}`;
  if (Array.isArray(value)) return `[${value.map(valueText).join(", ")}]`;
  const object = value as Record<string, unknown>;
  return `{${sortedKeys(object)
    .filter((key) => object[key] !== undefined)
    .map((key) => `${key}: ${valueText(object[key])}`)
    .join(", ")}}`;
}

function literalText(value: JSONValue): string {
  const literal = jsonToConvex(value);
  if (typeof literal === "bigint") return "<bigint>";
  if (typeof literal === "number" && !Number.isFinite(literal)) return "<number>";
  return JSON.stringify(literal);
}

function fieldText(field: FieldJson): string {
  return field.optional ? `v.optional(${validatorText(field.fieldType)})` : validatorText(field.fieldType);
}

/**
 * A validator the way the backend's `Display` prints it.
 *
 * @example
 * validatorText({ type: "object", value: { n: { fieldType: { type: "number" }, optional: true } } }); // "v.object({n: v.optional(v.float64())})"
 */
export function validatorText(validator: ValidatorJson): string {
  switch (validator.type) {
    case "id":
      return `v.id(${JSON.stringify((validator as { tableName: string }).tableName)})`;
    case "number":
      return "v.float64()";
    case "bigint":
      return "v.int64()";
    case "literal":
      return `v.literal(${literalText((validator as { value: JSONValue }).value)})`;
    case "array":
      return `v.array(${validatorText((validator as { value: ValidatorJson }).value)})`;
    case "record": {
      const { keys, values } = validator as { keys: ValidatorJson; values: FieldJson };
      return `v.record(${validatorText(keys)}, ${fieldText(values)})`;
    }
    case "object": {
      const fields = (validator as { value: Record<string, FieldJson> }).value;
      return `v.object({${sortedKeys(fields)
        .map((key) => `${key}: ${fieldText(fields[key]!)}`)
        .join(", ")}})`;
    }
    case "union":
      return `v.union(${(validator as { value: ValidatorJson[] }).value.map(validatorText).join(", ")})`;
    default:
      return `v.${validator.type}()`;
  }
}

/** A failed check: its text before the path, and the path segments innermost first. */
type Failure = { render(context: string): string; path: string[] };

function failure(render: (context: string) => string): Failure {
  return { render, path: [] };
}

function noMatch(value: unknown, validator: ValidatorJson): Failure {
  return failure(
    (context) =>
      `Value does not match validator.\n${context}\nValue: ${valueText(value)}\nValidator: ${validatorText(validator)}`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof ArrayBuffer);
}

/** Equality of Convex values as the backend compares a literal (floats by bits: `0.0` is not `-0.0`). */
function sameValue(a: unknown, b: unknown): boolean {
  return typeof a === typeof b && (typeof a === "number" ? Object.is(a, b) : a === b);
}

function check(validator: ValidatorJson, value: unknown): Failure | null {
  switch (validator.type) {
    case "any":
      return null;
    case "null":
      return value === null ? null : noMatch(value, validator);
    case "number":
      return typeof value === "number" ? null : noMatch(value, validator);
    case "bigint":
    case "commitTs":
      return typeof value === "bigint" ? null : noMatch(value, validator);
    case "boolean":
      return typeof value === "boolean" ? null : noMatch(value, validator);
    case "string":
      return typeof value === "string" ? null : noMatch(value, validator);
    case "bytes":
      return value instanceof ArrayBuffer ? null : noMatch(value, validator);
    case "id": {
      const expected = (validator as { tableName: string }).tableName;
      const table = typeof value === "string" ? tableNameFromId(value) : null;
      if (table === null) return noMatch(value, validator);
      if (table === expected) return null;
      if (table.startsWith("_")) {
        return failure(
          (context) =>
            `Found ID ${JSON.stringify(value)} from a system table, which does not match the table name in validator \`v.id(${JSON.stringify(expected)})\`.${context}`,
        );
      }
      return failure(
        (context) =>
          `Found ID ${JSON.stringify(value)} from table \`${table}\`, which does not match the table name in validator \`v.id(${JSON.stringify(expected)})\`.${context}`,
      );
    }
    case "literal": {
      const literal = jsonToConvex((validator as { value: JSONValue }).value);
      if (sameValue(value, literal)) return null;
      return failure(
        (context) =>
          `\`${valueText(value)}\` does not match literal validator \`v.literal(${literalText((validator as { value: JSONValue }).value)})\`.${context}`,
      );
    }
    case "array": {
      if (!Array.isArray(value)) return noMatch(value, validator);
      const element = (validator as { value: ValidatorJson }).value;
      for (const [i, item] of value.entries()) {
        const failed = check(element, item);
        if (failed !== null) return within(failed, `[${i}]`);
      }
      return null;
    }
    case "record": {
      if (!isPlainObject(value)) return noMatch(value, validator);
      const { keys, values } = validator as { keys: ValidatorJson; values: FieldJson };
      for (const key of sortedKeys(value)) {
        const badKey = check(keys, key);
        if (badKey !== null) return within(badKey, ".keys()");
        const badValue = check(values.fieldType, value[key]);
        if (badValue !== null) return within(badValue, ".values()");
      }
      return null;
    }
    case "object": {
      if (!isPlainObject(value)) return noMatch(value, validator);
      const fields = (validator as { value: Record<string, FieldJson> }).value;
      const objectText = () => `Object: ${valueText(value)}\nValidator: ${validatorText(validator)}`;
      for (const name of sortedKeys(fields)) {
        const field = fields[name]!;
        if (value[name] !== undefined) {
          const failed = check(field.fieldType, value[name]);
          if (failed !== null) return within(failed, `.${name}`);
        } else if (!field.optional) {
          return failure(
            (context) =>
              `Object is missing the required field \`${name}\`. Consider wrapping the field validator in \`v.optional(...)\` if this is expected.\n${context}\n${objectText()}`,
          );
        }
      }
      for (const name of sortedKeys(value)) {
        if (value[name] !== undefined && !(name in fields)) {
          return failure(
            (context) =>
              `Object contains extra field \`${name}\` that is not in the validator.\n${context}\n${objectText()}`,
          );
        }
      }
      return null;
    }
    case "union": {
      const options = (validator as { value: ValidatorJson[] }).value;
      if (options.length === 1) return check(options[0]!, value);
      return options.some((option) => check(option, value) === null) ? null : noMatch(value, validator);
    }
    default:
      return noMatch(value, validator);
  }
}

function within(failed: Failure, segment: string): Failure {
  failed.path.push(segment);
  return failed;
}

/**
 * The backend's text for `value` failing `validator` (what follows
 * `ArgumentValidationError: ` or `ReturnsValidationError: `), or null when
 * it passes.
 *
 * @example
 * validationErrorText({ type: "object", value: {} }, { x: 1 });
 * // "Object contains extra field `x` that is not in the validator.\n\nObject: {x: 1.0}\nValidator: v.object({})"
 */
export function validationErrorText(validator: ValidatorJson, value: unknown): string | null {
  const failed = check(validator, value);
  if (failed === null) return null;
  const context = failed.path.length === 0 ? "" : `Path: ${[...failed.path].reverse().join("")}`;
  return failed.render(context);
}
