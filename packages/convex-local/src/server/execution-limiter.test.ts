import { describe, expect, it } from "vitest";
import { createExecutionLimiter } from "./execution-limiter.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("createExecutionLimiter", () => {
  it("runs at most `limit` bodies at once and completes every one, in arrival order", async () => {
    const limiter = createExecutionLimiter(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          started.push(i);
          running += 1;
          most = Math.max(most, running);
          await sleep(5 + (i % 4));
          running -= 1;
          return i * 2;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(most).toBe(3);
    expect(limiter.peak).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(limiter.active).toBe(0);
    expect(limiter.waiting).toBe(0);
  });

  it("frees the slot of a body that throws", async () => {
    const limiter = createExecutionLimiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await limiter.run(async () => "next")).toBe("next");
    expect(limiter.active).toBe(0);
  });

  it("counts waiting bodies", async () => {
    const limiter = createExecutionLimiter(1);
    let release!: () => void;
    const first = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
    const second = limiter.run(async () => "second");
    await sleep(0);
    expect(limiter.active).toBe(1);
    expect(limiter.waiting).toBe(1);
    release();
    await first;
    expect(await second).toBe("second");
  });

  it("rejects a limit that is not a positive integer", () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) expect(() => createExecutionLimiter(limit)).toThrow(RangeError);
  });
});

describe("createExecutionLimiter with waitTimeoutMs", () => {
  it("refuses a call that waited past the bound, and the line goes on without it", async () => {
    const limiter = createExecutionLimiter(1, { waitTimeoutMs: 50, onWaitTimeout: () => new Error("too busy") });
    const holder = limiter.run(() => sleep(150).then(() => "held"));
    const refused = limiter.run(async () => "never");
    await expect(refused).rejects.toThrow("too busy");
    expect(limiter.waiting).toBe(0);
    expect(await holder).toBe("held");
    expect(await limiter.run(async () => "next")).toBe("next");
    expect(limiter.active).toBe(0);
  });

  it("admits a waiting call that gets its slot in time", async () => {
    const limiter = createExecutionLimiter(1, { waitTimeoutMs: 500 });
    const holder = limiter.run(() => sleep(20).then(() => "held"));
    expect(await limiter.run(async () => "admitted")).toBe("admitted");
    expect(await holder).toBe("held");
  });
});
