/**
 * Timestamps for the sync protocol: u64 nanoseconds that never go backwards
 * within a process (`max(now, last + 1)`), encoded the way Convex clients
 * expect (base64 of 8 little-endian bytes).
 *
 * @example
 * ```ts
 * const clock = new SyncClock();
 * const ts = clock.advance();
 * encodeTs(ts); // "…=" (8 bytes, base64)
 * ```
 */
export class SyncClock {
  private last = 0n;

  /** The latest timestamp handed out (0 before any). */
  current(): bigint {
    if (this.last === 0n) this.last = BigInt(Date.now()) * 1_000_000n;
    return this.last;
  }

  /** A new timestamp strictly after every earlier one. */
  advance(): bigint {
    const now = BigInt(Date.now()) * 1_000_000n;
    this.last = now > this.last ? now : this.last + 1n;
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
