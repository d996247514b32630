/**
 * A plain full-scan reference for index range queries, independent of the
 * engine: filter every document by every range expression, sort by the
 * index key with Convex's value order. Plus seeded random values of every
 * Convex type, with many equal keys.
 */
import { compareValues, type Value } from "convex/values";

/** A document as a test keeps it. */
export type ModelDoc = Record<string, unknown> & { _id: string; _creationTime: number };
/** One `withIndex` expression. */
export type RangeOp = { op: "eq" | "gt" | "gte" | "lt" | "lte"; field: string; value: Value | undefined };

/** mulberry32: small, seeded, good enough to pick test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

const bytes = (...values: number[]) => new Uint8Array(values).buffer as ArrayBuffer;

/** Few values of each type, so equal keys are common; `undefined` is a missing field. */
export const VALUE_POOL: readonly (Value | undefined)[] = [
  undefined,
  null,
  -3n,
  0n,
  7n,
  -Infinity,
  -1.5,
  -0,
  0,
  1,
  2.5,
  Number.NaN,
  false,
  true,
  "",
  "B",
  "a",
  "ab",
  "é",
  "😀",
  bytes(),
  bytes(1),
  bytes(1, 2),
  [],
  [1],
  [1, "a"],
  [null],
  {},
  { x: 1 },
  { x: "a", y: null },
];

/** A document field read like Convex does: only plain objects are descended into. */
function readField(doc: Record<string, unknown>, path: string): Value | undefined {
  let value: unknown = doc;
  for (const part of path.split(".")) {
    const plain =
      typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof ArrayBuffer);
    value = plain ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value as Value | undefined;
}

const compare = (a: Value | undefined, b: Value | undefined) => compareValues(a as Value, b as Value);

function holds({ op, field, value }: RangeOp, doc: ModelDoc): boolean {
  const c = compare(readField(doc, field), value);
  return op === "eq" ? c === 0 : op === "gt" ? c > 0 : op === "gte" ? c >= 0 : op === "lt" ? c < 0 : c <= 0;
}

/**
 * The ids a range read returns, by full scan.
 *
 * @example
 * referenceIds(docs, ["a", "_creationTime", "_id"], [{ op: "eq", field: "a", value: 1 }], "desc");
 */
export function referenceIds(
  docs: Iterable<ModelDoc>,
  keyFields: readonly string[],
  ops: readonly RangeOp[],
  order: "asc" | "desc",
): string[] {
  const kept = [...docs].filter((doc) => ops.every((op) => holds(op, doc)));
  kept.sort((x, y) => {
    for (const field of keyFields) {
      const c = compare(readField(x, field), readField(y, field));
      if (c !== 0) return c;
    }
    return 0;
  });
  if (order === "desc") kept.reverse();
  return kept.map((doc) => doc._id);
}

/** Applies range expressions to a `withIndex` range builder. */
export function applyRange(q: unknown, ops: readonly RangeOp[]): never {
  let builder = q as Record<string, (field: string, value: unknown) => unknown>;
  for (const { op, field, value } of ops) builder = builder[op]!(field, value) as typeof builder;
  return builder as never;
}

/**
 * A random well-formed range over `fields`: `.eq` on a prefix, then maybe a
 * lower and/or an upper bound on the next field.
 */
export function randomRange(
  random: () => number,
  fields: readonly string[],
  values: readonly (Value | undefined)[],
): RangeOp[] {
  const ops: RangeOp[] = [];
  const equal = Math.floor(random() * (fields.length + 1));
  for (let i = 0; i < equal; i++) ops.push({ op: "eq", field: fields[i]!, value: pick(random, values) });
  if (equal === fields.length) return ops;
  const field = fields[equal]!;
  const shape = Math.floor(random() * 4);
  if (shape & 1) ops.push({ op: pick(random, ["gt", "gte"] as const), field, value: pick(random, values) });
  if (shape & 2) ops.push({ op: pick(random, ["lt", "lte"] as const), field, value: pick(random, values) });
  return ops;
}
