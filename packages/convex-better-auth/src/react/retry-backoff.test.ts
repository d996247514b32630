import { describe, expect, it } from "vitest";
import { abortableSleep, backoffDelay } from "./retry-backoff.js";

describe("backoffDelay", () => {
  const base = { baseDelayMs: 500, maxDelayMs: 30_000 };

  it("doubles per attempt within [step/2, step] and stops at the cap", () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const step = Math.min(30_000, 500 * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, { ...base, random: () => 0 })).toBe(step / 2);
      expect(backoffDelay(attempt, { ...base, random: () => 0.9999 })).toBeLessThanOrEqual(step);
    }
    expect(backoffDelay(50, { ...base, random: () => 0.9999 })).toBeLessThanOrEqual(30_000);
  });

  it("honours Retry-After up to the cap", () => {
    expect(backoffDelay(1, { ...base, random: () => 0, retryAfterMs: 5_000 })).toBe(5_000);
    expect(backoffDelay(1, { ...base, random: () => 0, retryAfterMs: 3_600_000 })).toBe(30_000);
  });
});

describe("abortableSleep", () => {
  it("wakes early when the signal aborts, without rejecting", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort();
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
