/**
 * Timestamps for the sync protocol: u64 wall-clock nanoseconds that never go
 * backwards, encoded the way Convex clients expect (base64 of 8 little-endian
 * bytes). With an engine that reports its commit timestamps, the clock is
 * the latest durable commit ts (persisted with the data, so a restart never
 * hands out less), floored by the wall clock at start-up so the first
 * Transitions carry a real time too. Without one, `advance()` ticks it.
 *
 * @example
 * ```ts
 * const clock = new SyncClock(() => engine.lastCommitTs());
 * encodeTs(clock.current()); // "…=" (8 bytes, base64)
 * ```
 */
export class SyncClock {
  private last = BigInt(Date.now()) * 1_000_000n;
  private readonly committed: (() => bigint) | undefined;

  constructor(committed?: () => bigint) {
    this.committed = committed;
  }

  /** Whether commits move the clock by themselves (else callers `advance()` after writes). */
  get followsCommits(): boolean {
    return this.committed !== undefined;
  }

  /** The latest timestamp: at or after every commit and every timestamp handed out. */
  current(): bigint {
    const committed = this.committed?.() ?? 0n;
    if (committed > this.last) this.last = committed;
    return this.last;
  }

  /** A new timestamp strictly after every earlier one. */
  advance(): bigint {
    const now = BigInt(Date.now()) * 1_000_000n;
    const current = this.current();
    this.last = now > current ? now : current + 1n;
    return this.last;
  }
}

/**
 * Encodes a u64 timestamp for the wire.
 *
 * @example
 * ```ts
 * encodeTs(1000n); // "6AMAAAAAAAA="
 * ```
 */
export function encodeTs(ts: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(ts);
  return bytes.toString("base64");
}

/**
 * Decodes a u64 timestamp from the wire; null when it is not one.
 *
 * @example
 * ```ts
 * decodeTs("6AMAAAAAAAA="); // 1000n
 * ```
 */
export function decodeTs(encoded: unknown): bigint | null {
  if (typeof encoded !== "string") return null;
  const bytes = Buffer.from(encoded, "base64");
  return bytes.length === 8 ? bytes.readBigUInt64LE() : null;
}
