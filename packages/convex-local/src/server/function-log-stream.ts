/** A finished function call as the CLI's log tail (`stream_function_logs`) reads it. */
export type FunctionExecution = {
  kind: "Completion";
  udfType: "Query" | "Mutation" | "Action" | "HttpAction";
  componentPath: string | null;
  identifier: string;
  logLines: { messages: string[]; level: string; timestamp: number; isTruncated: boolean }[];
  /** Seconds since the epoch. */
  timestamp: number;
  cachedResult: boolean;
  caller: string;
  executionTime: number;
  error: string | null;
  requestId: string;
  executionId: string;
  usageStats: Record<string, number>;
  willRetry: boolean;
  executionTimestamp: number;
  identityType: string;
  environment: string;
};

const MAX_ENTRIES = 1000;
/** How long a poll with nothing new is held open before answering empty. */
const POLL_HOLD_MS = 30_000;
const LEVEL = /^\[(LOG|INFO|WARN|ERROR|DEBUG)\] ([\s\S]*)$/;

/**
 * The recent function executions, served to `npx convex dev`'s log tail as a
 * long poll. The CLI's poll loop has no sleep, so a poll with nothing new
 * must block until there is something or the hold time passes.
 *
 * @example
 * ```ts
 * const logs = new FunctionLogStream();
 * logs.record({ udfType: "Query", identifier: "messages:list", componentPath: null, logLines: ["[LOG] 'hi'"], error: null, executionTimeMs: 3 });
 * const { entries, newCursor } = await logs.poll(0, abortSignal);
 * ```
 */
export class FunctionLogStream {
  private entries: { cursor: number; execution: FunctionExecution }[] = [];
  private lastCursor = 0;
  private waiters = new Set<() => void>();
  private sequence = 0;

  /** Appends one finished call and wakes the pending polls. */
  record(call: {
    udfType: FunctionExecution["udfType"];
    identifier: string;
    componentPath: string | null;
    logLines: string[];
    error: string | null;
    executionTimeMs: number;
  }): void {
    const now = Date.now();
    const cursor = Math.max(now, this.lastCursor + 1);
    this.lastCursor = cursor;
    const id = `${now.toString(16)}${(this.sequence++).toString(16).padStart(6, "0")}`;
    this.entries.push({
      cursor,
      execution: {
        kind: "Completion",
        udfType: call.udfType,
        componentPath: call.componentPath,
        identifier: call.identifier,
        logLines: call.logLines.map((line) => {
          const match = LEVEL.exec(line);
          return {
            messages: [match ? match[2] : line],
            level: match ? match[1] : "LOG",
            timestamp: now,
            isTruncated: false,
          };
        }),
        timestamp: now / 1000,
        cachedResult: false,
        caller: "HttpApi",
        executionTime: call.executionTimeMs / 1000,
        error: call.error,
        requestId: id,
        executionId: id,
        usageStats: {
          databaseReadBytes: 0,
          databaseWriteBytes: 0,
          databaseIoReadBytes: 0,
          databaseIoWriteBytes: 0,
          databaseReadDocuments: 0,
          databaseWriteDocuments: 0,
          databaseWriteIndexRows: 0,
          storageReadBytes: 0,
          storageWriteBytes: 0,
          vectorIndexReadBytes: 0,
          vectorIndexWriteBytes: 0,
          memoryUsedMb: 0,
        },
        willRetry: false,
        executionTimestamp: now / 1000,
        identityType: "unknown",
        environment: "isolate",
      },
    });
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    for (const wake of this.waiters) wake();
  }

  /**
   * Entries after `cursor`, waiting up to the hold time (or until `signal`
   * aborts) for one to arrive. Cursor 0 is the CLI asking where the stream
   * is: it gets the history and the head cursor at once, and throws that
   * first batch away, so holding it would lose the first new execution.
   */
  async poll(cursor: number, signal: AbortSignal): Promise<{ entries: FunctionExecution[]; newCursor: number }> {
    if (cursor <= 0) {
      // Later entries get cursors strictly after this head.
      this.lastCursor = Math.max(this.lastCursor, Date.now());
      return { entries: this.entries.map((e) => e.execution), newCursor: this.lastCursor };
    }
    if (!this.hasAfter(cursor) && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          signal.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, POLL_HOLD_MS);
        this.waiters.add(done);
        signal.addEventListener("abort", done);
      });
    }
    const fresh = this.entries.filter((e) => e.cursor > cursor);
    return { entries: fresh.map((e) => e.execution), newCursor: Math.max(cursor, this.lastCursor) };
  }

  /** Answers every pending poll now (used at shutdown). */
  wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private hasAfter(cursor: number): boolean {
    const last = this.entries[this.entries.length - 1];
    return last !== undefined && last.cursor > cursor;
  }
}
