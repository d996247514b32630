import { readSetOverlaps, type CommitWrite, type ReadSet } from "../engine/read-set.ts";

/** One subscribed query of a socket. */
export type SyncQuery = {
  udfPath: string;
  rawArgs: unknown;
  componentPath: string;
  /** The journal of the last result (sent by the client on Add after a reconnect). */
  journal: string | null;
  /** What the last run read; null before the first run or when the engine can't tell. */
  readSet: ReadSet | null;
  /** Hash of the last result sent (value or error, plus log lines); undefined before the first. */
  lastHash?: string;
};

/**
 * The query set of one sync socket and the work the next Transition has to
 * do: queries added, removed, or invalidated by a commit whose write set
 * meets their read set.
 *
 * @example
 * ```ts
 * const set = new SyncQuerySet();
 * set.modify([{ type: "Add", queryId: 0, udfPath: "messages:list", args: [{}] }]);
 * const { removed, toRun } = set.takePending(false); // toRun = [0]
 * ```
 */
export class SyncQuerySet {
  readonly queries = new Map<number, SyncQuery>();
  private added = new Set<number>();
  private removed = new Set<number>();
  private dirty = new Set<number>();
  private rerunAll = false;

  /** Applies a ModifyQuerySet's Adds and Removes; returns the protocol error, if any. */
  modify(modifications: Record<string, unknown>[]): string | null {
    for (const modification of modifications) {
      const queryId = modification.queryId as number;
      if (modification.type === "Add") {
        if (this.queries.has(queryId)) return `Query ${queryId} was added twice.`;
        this.queries.set(queryId, {
          udfPath: String(modification.udfPath),
          rawArgs: modification.args,
          componentPath: typeof modification.componentPath === "string" ? modification.componentPath : "",
          journal: typeof modification.journal === "string" ? modification.journal : null,
          readSet: null,
        });
        this.added.add(queryId);
      } else if (modification.type === "Remove") {
        if (!this.queries.delete(queryId)) return `Query ${queryId} was removed but never added.`;
        this.dirty.delete(queryId);
        if (!this.added.delete(queryId)) this.removed.add(queryId);
      }
    }
    return null;
  }

  /** Marks the queries a commit's writes may have changed; true when there are any. */
  invalidateWrites(writes: readonly CommitWrite[]): boolean {
    let any = false;
    for (const [queryId, query] of this.queries) {
      if (query.readSet === null || readSetOverlaps(query.readSet, writes)) {
        this.dirty.add(queryId);
        any = true;
      }
    }
    return any;
  }

  /** Marks every query; true when there are any. */
  invalidateAll(): boolean {
    if (this.queries.size === 0) return false;
    this.rerunAll = true;
    return true;
  }

  /** Takes the work of one Transition: queries to report removed and queries to (re-)run. */
  takePending(runAll: boolean): { removed: number[]; toRun: number[] } {
    const removed = [...this.removed];
    const toRun = runAll || this.rerunAll ? [...this.queries.keys()] : [...new Set([...this.added, ...this.dirty])];
    this.removed = new Set();
    this.added = new Set();
    this.dirty = new Set();
    this.rerunAll = false;
    return { removed, toRun };
  }

  /**
   * Queries that just ran go again when a write that landed while they ran
   * meets their new read set (they may have read before it). True when any must.
   */
  recheck(ran: readonly number[], writes: readonly CommitWrite[]): boolean {
    if (writes.length === 0) return false;
    let any = false;
    for (const queryId of ran) {
      const query = this.queries.get(queryId);
      if (query && (query.readSet === null || readSetOverlaps(query.readSet, writes))) {
        this.dirty.add(queryId);
        any = true;
      }
    }
    return any;
  }
}
