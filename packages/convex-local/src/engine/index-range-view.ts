/**
 * Lazy, read-only sequences of documents over a run of a sorted index.
 *
 * convex-test reads a resolved query source only through `length` and
 * `[i]`, one document at a time, and stops after a page or a `.take()`.
 * Copying a 100,000-document run to serve a 10-document page would make
 * every read O(table) again, so a source is handed over as a view whose
 * elements are computed on access. The sorted index it views only changes
 * at a top-level commit, and convex-test runs one top-level transaction at
 * a time, so a view never sees the index change while its query runs.
 */
import type { InternalDocument } from "./convex-test-internals.ts";
import type { ExamineMeter } from "./sorted-index.ts";

/** A random-access sequence of documents. */
export type DocumentSequence = { readonly length: number; at(i: number): InternalDocument };

/** Number of entries of the ascending `sorted` that satisfy `test`, which holds for a prefix of it. */
function countWhile<T>(sorted: readonly T[], test: (value: T, position: number) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(sorted[mid]!, mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `docs[start..end)`.
 *
 * @example
 * indexRun(index.docs, 10, 20).at(0) === index.docs[10];
 */
export function indexRun(docs: readonly InternalDocument[], start: number, end: number): DocumentSequence {
  return { length: Math.max(0, end - start), at: (i) => docs[start + i]! };
}

/** The same documents, last first. */
export function reversed(sequence: DocumentSequence): DocumentSequence {
  return { length: sequence.length, at: (i) => sequence.at(sequence.length - 1 - i) };
}

/** The documents from position `from` on. */
export function dropFirst(sequence: DocumentSequence, from: number): DocumentSequence {
  const skip = Math.min(Math.max(0, from), sequence.length);
  return { length: sequence.length - skip, at: (i) => sequence.at(skip + i) };
}

/**
 * The first position whose document passes `test`, for a `test` that fails
 * on a prefix of the sequence and passes on the rest (binary search).
 */
export function firstPassing(sequence: DocumentSequence, test: (doc: InternalDocument) => boolean): number {
  let lo = 0;
  let hi = sequence.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(sequence.at(mid))) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * A run of committed documents as the running transaction sees it: the
 * committed documents at the `replaced` positions (written by the
 * transaction) left out, and the transaction's own versions (`added`,
 * ascending, all inside the run) merged in. Positions are computed, not
 * copied: O(log w) per element for w pending writes.
 *
 * @param insertionPosition where a document's key falls in `docs` (entries before it).
 */
export function withPendingWrites(
  docs: readonly InternalDocument[],
  start: number,
  end: number,
  replaced: readonly number[],
  added: readonly InternalDocument[],
  insertionPosition: (doc: InternalDocument) => number,
): DocumentSequence {
  const kept = Math.max(0, end - start) - replaced.length;
  // Where each added document lands in the merged sequence: the kept
  // committed documents before it, plus the added ones before it.
  const slots = added.map((doc, j) => {
    const position = Math.min(Math.max(insertionPosition(doc), start), end);
    return position - start - countWhile(replaced, (p) => p < position) + j;
  });
  return {
    length: kept + added.length,
    at(i) {
      const addedBefore = countWhile(slots, (slot) => slot < i);
      if (slots[addedBefore] === i) return added[addedBefore]!;
      // The m-th kept committed document: skip every replaced position at or before it.
      const m = i - addedBefore;
      const skipped = countWhile(replaced, (p, k) => p - k <= start + m);
      return docs[start + m + skipped]!;
    },
  };
}

/**
 * The sequence as the array-like convex-test reads (`length`, `[i]`,
 * iteration), computing each element when read.
 */
export function asArray(sequence: DocumentSequence, meter: ExamineMeter): InternalDocument[] {
  const position = (prop: string | symbol): number | undefined => {
    if (typeof prop !== "string") return undefined;
    const i = Number(prop);
    return Number.isInteger(i) && i >= 0 && i < sequence.length && String(i) === prop ? i : undefined;
  };
  return new Proxy([] as InternalDocument[], {
    get(target, prop, receiver) {
      if (prop === "length") return sequence.length;
      const i = position(prop);
      if (i === undefined) return Reflect.get(target, prop, receiver);
      meter.documentsExamined += 1;
      return sequence.at(i);
    },
    has(target, prop) {
      return position(prop) !== undefined || Reflect.has(target, prop);
    },
  });
}
