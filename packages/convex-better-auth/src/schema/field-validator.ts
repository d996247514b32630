/**
 * The one place that decides which Convex validator stores a Better Auth
 * field. Both the source renderer and the runtime schema builder consume the
 * descriptor, so generated and runtime schemas cannot disagree.
 */
import { v, type Validator } from "convex/values";
import type { FieldSpec } from "./table-spec.ts";

/** A Convex validator as plain data: printable and constructible. */
export type ValidatorDescriptor =
  | { kind: "string" | "number" | "boolean" | "null" }
  | { kind: "array"; element: ValidatorDescriptor }
  | { kind: "union"; members: ValidatorDescriptor[] }
  | { kind: "optional"; inner: ValidatorDescriptor };

const BASE: Record<FieldSpec["type"], ValidatorDescriptor> = {
  string: { kind: "string" },
  // Better Auth hands `bigint: true` fields over as JS numbers.
  number: { kind: "number" },
  boolean: { kind: "boolean" },
  // Stored as epoch milliseconds: Convex has no date type, numbers sort right.
  date: { kind: "number" },
  // Better Auth stringifies JSON itself for adapters without JSON support.
  json: { kind: "string" },
  "string[]": { kind: "array", element: { kind: "string" } },
  "number[]": { kind: "array", element: { kind: "number" } },
  // Enum membership is Better Auth's job; the database just stores the text.
  enum: { kind: "string" },
};

/**
 * Maps a field to the validator describing its stored value.
 *
 * Optional fields accept `null` too, because Better Auth writes explicit nulls.
 * `alsoAccepts` adds the value types of an older row shape to the union.
 *
 * @example
 * ```ts
 * fieldValidator({ type: "date", required: false, unique: false });
 * // { kind: "optional", inner: { kind: "union", members: [{ kind: "null" }, { kind: "number" }] } }
 * fieldValidator({ type: "string[]", required: false, unique: false, alsoAccepts: ["string"] });
 * // v.optional(v.union(v.null(), v.array(v.string()), v.string()))
 * ```
 */
export function fieldValidator(field: FieldSpec): ValidatorDescriptor {
  const members = [field.type, ...(field.alsoAccepts ?? [])]
    .map((type) => BASE[type])
    // date, json and enum share their stored type with number and string.
    .filter((member, i, all) => all.findIndex((other) => sameDescriptor(other, member)) === i);
  const base: ValidatorDescriptor = members.length === 1 ? members[0]! : { kind: "union", members };
  if (field.required) return base;
  if (field.nullable === false) return { kind: "optional", inner: base };
  return { kind: "optional", inner: { kind: "union", members: [{ kind: "null" }, ...members] } };
}

function sameDescriptor(a: ValidatorDescriptor, b: ValidatorDescriptor): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Prints a descriptor as TypeScript source using the `v` builder.
 *
 * @example
 * ```ts
 * validatorSource({ kind: "array", element: { kind: "string" } }); // "v.array(v.string())"
 * ```
 */
export function validatorSource(d: ValidatorDescriptor): string {
  switch (d.kind) {
    case "array":
      return `v.array(${validatorSource(d.element)})`;
    case "union":
      return `v.union(${d.members.map(validatorSource).join(", ")})`;
    case "optional":
      return `v.optional(${validatorSource(d.inner)})`;
    default:
      return `v.${d.kind}()`;
  }
}

/**
 * Constructs the Convex validator a descriptor stands for.
 *
 * @example
 * ```ts
 * buildValidator({ kind: "optional", inner: { kind: "string" } }); // v.optional(v.string())
 * ```
 */
export function buildValidator(d: ValidatorDescriptor): Validator<any, any, any> {
  switch (d.kind) {
    case "array":
      return v.array(buildValidator(d.element));
    case "union":
      return v.union(...d.members.map(buildValidator));
    case "optional":
      return v.optional(buildValidator(d.inner));
    default:
      return v[d.kind]();
  }
}
