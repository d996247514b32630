import { describe, expect, test } from "vitest";
import { cronScheduleRule, nextCronRun, parseCron } from "./next-cron-run.ts";

const at = (iso: string) => Date.parse(iso);

describe("nextCronRun", () => {
  test("intervals run one interval after the previous run", () => {
    expect(nextCronRun({ type: "interval", seconds: 30 }, 1000)).toBe(31_000);
    expect(nextCronRun({ type: "interval", minutes: 2 }, 0)).toBe(120_000);
    expect(nextCronRun({ type: "interval", hours: 1 }, 0)).toBe(3_600_000);
  });

  test("hourly, daily, weekly and monthly schedules are UTC", () => {
    const from = at("2025-03-14T10:15:30Z"); // a Friday
    expect(nextCronRun({ type: "hourly", minuteUTC: 20 }, from)).toBe(at("2025-03-14T10:20:00Z"));
    expect(nextCronRun({ type: "hourly", minuteUTC: 10 }, from)).toBe(at("2025-03-14T11:10:00Z"));
    expect(nextCronRun({ type: "daily", hourUTC: 9, minuteUTC: 30 }, from)).toBe(at("2025-03-15T09:30:00Z"));
    expect(nextCronRun({ type: "weekly", dayOfWeek: "monday", hourUTC: 8 }, from)).toBe(at("2025-03-17T08:00:00Z"));
    expect(nextCronRun({ type: "monthly", day: 31, hourUTC: 0 }, from)).toBe(at("2025-03-31T00:00:00Z"));
    expect(nextCronRun({ type: "monthly", day: 31, hourUTC: 0 }, at("2025-03-31T00:00:00Z"))).toBe(
      at("2025-05-31T00:00:00Z"),
    );
  });

  test("cron expressions support lists, ranges, steps and names", () => {
    const from = at("2025-03-14T10:15:00Z");
    expect(nextCronRun({ type: "cron", cron: "*/20 * * * *" }, from)).toBe(at("2025-03-14T10:20:00Z"));
    expect(nextCronRun({ type: "cron", cron: "0 9-17/4 * * MON-FRI" }, from)).toBe(at("2025-03-14T13:00:00Z"));
    expect(nextCronRun({ type: "cron", cron: "0 0 * * sat,sun" }, from)).toBe(at("2025-03-15T00:00:00Z"));
    expect(nextCronRun({ type: "cron", cron: "0 0 29 2 *" }, from)).toBe(at("2028-02-29T00:00:00Z"));
    // Both day fields restricted: either matches (classic cron).
    expect(nextCronRun({ type: "cron", cron: "0 0 1 * 1" }, from)).toBe(at("2025-03-17T00:00:00Z"));
  });

  test("rejects malformed schedules", () => {
    expect(() => parseCron("* * *")).toThrow("expected 5 fields");
    expect(() => parseCron("61 * * * *")).toThrow("out of range");
    expect(() => cronScheduleRule({ type: "fortnightly" })).toThrow("Unsupported cron schedule");
  });
});
