/**
 * One index of one table: the table's committed documents sorted by the
 * index key, the way Convex orders an index (the index fields, then
 * `_creationTime`, then `_id`; values compared with `compareValues` of
 * `convex/values`, which is also what convex-test compares with, so both
 * agree on every pair of values: undefined < null < int64 < float64 <
 * boolean < string < bytes < array < object).
 *
 * Every key ends in `_id`, so keys are unique and a document's position is
 * found by binary search. Reads cost O(log n); a write moves the array tail
 * (one `splice`), which is a memmove of pointers.
 */
import { compareValues, type Value } from "convex/values";
import { fieldReader, type InternalDocument } from "./convex-test-internals.ts";

/** A key prefix: documents whose first `values.length` key fields compare to `values` as `inclusive` allows. */
export type KeyBound = { values: (Value | undefined)[]; inclusive: boolean };

/** Counts index entries read, for the engine's statistics. */
export type ExamineMeter = { documentsExamined: number };

/**
 * Compares two values as convex-test does. `compareValues` is typed for
 * defined values but orders undefined (a missing field) first, as Convex does.
 */
export function compareKeyValues(a: Value | undefined, b: Value | undefined): number {
  return compareValues(a as Value, b as Value);
}

/** Sorted documents of one table under one key. */
export class SortedIndex {
  /** The committed documents, ascending by key. Read-only outside this class. */
  readonly docs: InternalDocument[];
  readonly fields: readonly string[];
  private readonly readers: ((doc: InternalDocument) => Value | undefined)[];
  private readonly meter: ExamineMeter;

  /**
   * Sorts `documents` (any order) by `fields`.
   *
   * @example
   * const index = new SortedIndex(["author", "_creationTime", "_id"], docs, { documentsExamined: 0 });
   */
  constructor(fields: readonly string[], documents: Iterable<InternalDocument>, meter: ExamineMeter) {
    this.meter = meter;
    this.fields = fields;
    this.readers = fields.map(fieldReader);
    this.docs = [...documents];
    this.meter.documentsExamined += this.docs.length;
    this.docs.sort((a, b) => this.compareDocs(a, b));
  }

  /** Orders two documents by this index's key. */
  compareDocs(a: InternalDocument, b: InternalDocument): number {
    for (const read of this.readers) {
      const c = compareKeyValues(read(a), read(b));
      if (c !== 0) return c;
    }
    return 0;
  }

  /** Compares the first `values.length` key fields of `doc` with `values`. */
  private comparePrefix(doc: InternalDocument, values: readonly (Value | undefined)[]): number {
    for (let i = 0; i < values.length; i++) {
      const c = compareKeyValues(this.readers[i]!(doc), values[i]);
      if (c !== 0) return c;
    }
    return 0;
  }

  /** First position whose entry is "not before" `values` (`after`: strictly after them). */
  private search(values: readonly (Value | undefined)[], after: boolean): number {
    let lo = 0;
    let hi = this.docs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      this.meter.documentsExamined += 1;
      const c = this.comparePrefix(this.docs[mid]!, values);
      if (c < 0 || (c === 0 && after)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * First position inside the lower bound (0 without one).
   *
   * @example
   * index.lowerPosition({ values: ["ann"], inclusive: true }); // first entry with author >= "ann"
   */
  lowerPosition(bound: KeyBound | undefined): number {
    return bound === undefined ? 0 : this.search(bound.values, !bound.inclusive);
  }

  /**
   * First position past the upper bound (the length without one).
   *
   * @example
   * index.upperPosition({ values: ["ann"], inclusive: true }); // first entry with author > "ann"
   */
  upperPosition(bound: KeyBound | undefined): number {
    return bound === undefined ? this.docs.length : this.search(bound.values, bound.inclusive);
  }

  /** Where a document with `doc`'s key is or would go: the number of entries ordered before it. */
  insertionPosition(doc: InternalDocument): number {
    const key = this.readers.map((read) => read(doc));
    return this.search(key, false);
  }

  /**
   * The position of this exact committed document, or -1 when it isn't there
   * (then the index no longer matches the table).
   */
  positionOf(doc: InternalDocument): number {
    const position = this.insertionPosition(doc);
    return this.docs[position]?._id === doc._id ? position : -1;
  }

  /**
   * Applies one committed write. Returns false, changing nothing, when
   * `before` isn't where its key says: the caller must rebuild the index.
   */
  apply(before: InternalDocument | null, after: InternalDocument | null): boolean {
    const at = before === null ? -1 : this.positionOf(before);
    if (before !== null && at < 0) return false;
    if (before !== null && after !== null && this.compareDocs(before, after) === 0) {
      // The key didn't change (a patch of other fields): swap the version in place.
      this.docs[at] = after;
      return true;
    }
    if (before !== null) this.docs.splice(at, 1);
    if (after !== null) this.docs.splice(this.insertionPosition(after), 0, after);
    return true;
  }
}
