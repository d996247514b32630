/**
 * Watches the syscalls a query makes to learn its read set (see
 * `read-set.ts`) and to keep its pagination journal, without convex-test's
 * help: the syscall wrappers report to whatever {@link trackReads} call the
 * syscall runs under (an AsyncLocalStorage of our own). Syscalls outside such
 * a call (mutations, actions, scheduled jobs) pass straight through.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
  scheduledTargetComponent,
  wrapSyncSyscall,
  wrapSyscalls,
  type InternalGlobal,
} from "./convex-test-internals.ts";
import { emptyReadSet, readSetKey, type ReadSet } from "./read-set.ts";
import { indexRangeRead } from "./read-set-range.ts";

type Tracking = {
  readSet: ReadSet;
  /** The end cursor pinned by an earlier run of the same subscription. */
  journalIn: string | null;
  journalOut: string | null;
  pages: number;
};

/** The tracking of the current run plus the component whose code makes the syscall. */
type Frame = { tracking: Tracking; componentPath: string };

const frames = new AsyncLocalStorage<Frame>();

/** The outcome of {@link trackReads}. */
export type TrackedRun<T> = {
  value: T;
  readSet: ReadSet;
  /** The journal to send with the result: the end cursor of the run's `.paginate()`, if it made one. */
  journal: string | null;
};

/**
 * Runs `body` (a query run in the engine) and collects what it read.
 * `journal` is the journal of the subscription's previous result: when the
 * query paginates without an explicit `endCursor`, the page is pinned to end
 * where it ended before, so inserts grow the page instead of opening a gap
 * before the next page (the Convex backend's query journal).
 *
 * @example
 * const { value, readSet, journal } = await trackReads({ componentPath: "", journal: null }, () => engine.run(request));
 */
export async function trackReads<T>(
  options: { componentPath: string; journal: string | null },
  body: () => Promise<T>,
): Promise<TrackedRun<T>> {
  const tracking: Tracking = { readSet: emptyReadSet(), journalIn: options.journal, journalOut: null, pages: 0 };
  const value = await frames.run({ tracking, componentPath: options.componentPath }, body);
  return { value, readSet: tracking.readSet, journal: tracking.journalOut };
}

function sourceTable(query: unknown): string | null {
  const source = (query as { source?: { tableName?: unknown; indexName?: unknown } } | null)?.source;
  if (typeof source?.tableName === "string") return source.tableName;
  // Index and search sources name `table.index`.
  if (typeof source?.indexName === "string") return source.indexName.split(".")[0] ?? null;
  return null;
}

function readTable(frame: Frame, tableName: string | null): void {
  if (tableName !== null) frame.tracking.readSet.tables.add(readSetKey(frame.componentPath, tableName));
}

/** A stream or page: its index range when it can be matched exactly, else its whole table. */
function readQuery(frame: Frame, query: unknown): void {
  const range = indexRangeRead((query as { source?: unknown } | null)?.source);
  if (range === null) return readTable(frame, sourceTable(query));
  const key = readSetKey(frame.componentPath, range.tableName);
  const ranges = frame.tracking.readSet.ranges;
  ranges.set(key, [...(ranges.get(key) ?? []), range.bounds]);
}

type PageResult = { continueCursor?: unknown; isDone?: unknown; [key: string]: unknown };

async function trackedPage(
  frame: Frame,
  original: InternalGlobal["asyncSyscall"],
  op: string,
  args: { query?: unknown; endCursor?: unknown; [key: string]: unknown },
): Promise<string> {
  readQuery(frame, args.query);
  const tracking = frame.tracking;
  // Convex allows one `.paginate()` per query run; only that one is journaled.
  if (tracking.pages++ > 0) return await original(op, JSON.stringify(args));
  let pinned = typeof args.endCursor === "string" ? args.endCursor : null;
  if (pinned === null && tracking.journalIn !== null) {
    pinned = tracking.journalIn;
    args = { ...args, endCursor: pinned };
  }
  const result = JSON.parse(await original(op, JSON.stringify(args))) as PageResult;
  if (pinned !== null) {
    // A pinned page ends exactly at its end cursor, even when the document
    // there was deleted (convex-test would then report the range as done).
    result.continueCursor = pinned;
    result.isDone = pinned === "_end_cursor";
  }
  tracking.journalOut = typeof result.continueCursor === "string" ? result.continueCursor : null;
  return JSON.stringify(result);
}

/**
 * Installs the read-set observers on one convex-test instance.
 *
 * @example
 * observeReadSets(instance.global);
 */
export function observeReadSets(global: InternalGlobal): void {
  wrapSyncSyscall(global, (original) => (op, jsonArgs) => {
    const frame = frames.getStore();
    if (frame !== undefined && op === "1.0/queryStream") {
      readQuery(frame, (JSON.parse(jsonArgs) as { query?: unknown }).query);
    }
    return original(op, jsonArgs);
  });
  wrapSyscalls(global, {
    async: (original) => async (op, jsonArgs) => {
      const frame = frames.getStore();
      if (frame === undefined) return await original(op, jsonArgs);
      switch (op) {
        case "1.0/get": {
          const { id } = JSON.parse(jsonArgs) as { id?: unknown };
          if (typeof id === "string") frame.tracking.readSet.documents.add(readSetKey(frame.componentPath, id));
          break;
        }
        case "1.0/count": {
          const { table } = JSON.parse(jsonArgs) as { table?: unknown };
          readTable(frame, typeof table === "string" ? table : null);
          break;
        }
        case "1.0/queryPage":
          return await trackedPage(frame, original, op, JSON.parse(jsonArgs) as Record<string, unknown>);
        case "1.0/storageGetUrl":
        case "1.0/storageGet":
        case "1.0/storageGetMetadata":
          readTable(frame, "_storage");
          break;
        case "1.0/runUdf": {
          // A call into another component reads that component's tables.
          const address = JSON.parse(jsonArgs) as { functionHandle?: unknown; reference?: unknown };
          const componentPath = scheduledTargetComponent(address, frame.componentPath);
          return await frames.run({ tracking: frame.tracking, componentPath }, () => original(op, jsonArgs));
        }
      }
      return await original(op, jsonArgs);
    },
  });
}
