/**
 * When a cron job from `crons.ts` runs next, for every schedule type
 * `convex/server`'s `Crons` exports: `interval`, `hourly`, `daily`,
 * `weekly`, `monthly` and `cron` (5-field expressions, UTC).
 */

const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MINUTE_MS = 60_000;

type Field = { min: number; max: number; names?: string[]; namesStart?: number };
const FIELDS: Field[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTH_NAMES, namesStart: 1 },
  { min: 0, max: 7, names: DAY_NAMES, namesStart: 0 },
];

/** A parsed cron expression: the allowed values of each field. */
type CronMatcher = {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  anyDay: boolean;
  anyWeekday: boolean;
};

function parseValue(text: string, field: Field, expression: string): number {
  const byName = field.names?.indexOf(text.toLowerCase()) ?? -1;
  const value = byName >= 0 ? byName + (field.namesStart ?? 0) : Number(text);
  if (!Number.isInteger(value) || value < field.min || value > field.max) {
    throw new Error(`Invalid cron expression "${expression}": "${text}" is out of range ${field.min}-${field.max}`);
  }
  return value;
}

function parseField(text: string, field: Field, expression: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new Error(`Invalid cron expression "${expression}": bad step "${part}"`);
    let start: number;
    let end: number;
    if (range === "*" || range === "?") {
      start = field.min;
      end = field.max;
    } else if (range.includes("-")) {
      const [from = "", to = ""] = range.split("-");
      start = parseValue(from, field, expression);
      end = parseValue(to, field, expression);
    } else {
      start = parseValue(range, field, expression);
      end = stepText === undefined ? start : field.max;
    }
    for (let value = start; value <= end; value += step) values.add(value);
  }
  return values;
}

/**
 * Parses a 5-field cron expression (minute hour day-of-month month day-of-week).
 *
 * @example
 * parseCron("15 7 * * 1-5").hours; // Set { 7 }
 */
export function parseCron(expression: string): CronMatcher {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5)
    throw new Error(`Invalid cron expression "${expression}": expected 5 fields, got ${parts.length}`);
  const [minutes, hours, days, months, weekdays] = parts.map((part, index) =>
    parseField(part, FIELDS[index]!, expression),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (weekdays.has(7)) weekdays.add(0);
  return {
    minutes,
    hours,
    days,
    months,
    weekdays,
    anyDay: parts[2] === "*" || parts[2] === "?",
    anyWeekday: parts[4] === "*" || parts[4] === "?",
  };
}

function dayMatches(cron: CronMatcher, date: Date): boolean {
  if (!cron.months.has(date.getUTCMonth() + 1)) return false;
  const dayOk = cron.days.has(date.getUTCDate());
  const weekdayOk = cron.weekdays.has(date.getUTCDay());
  // Classic cron: when both day fields are restricted, either may match.
  if (!cron.anyDay && !cron.anyWeekday) return dayOk || weekdayOk;
  return dayOk && weekdayOk;
}

function nextMatch(cron: CronMatcher, afterMs: number): number {
  let time = Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  // Eight years covers every valid expression (Feb 29 on a given weekday included).
  const limit = afterMs + 8 * 366 * 24 * 60 * MINUTE_MS;
  while (time <= limit) {
    const date = new Date(time);
    if (!dayMatches(cron, date)) {
      time = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
      continue;
    }
    if (!cron.hours.has(date.getUTCHours())) {
      time = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours() + 1);
      continue;
    }
    if (cron.minutes.has(date.getUTCMinutes())) return time;
    time += MINUTE_MS;
  }
  throw new Error("The cron expression never matches");
}

function number(schedule: Record<string, unknown>, key: string, fallback?: number): number {
  const value = schedule[key] ?? fallback;
  if (typeof value !== "number") throw new Error(`Cron schedule ${JSON.stringify(schedule)} lacks a numeric "${key}"`);
  return value;
}

/**
 * Converts a `crons.ts` schedule into a cron expression, or an interval in ms.
 *
 * @example
 * cronScheduleRule({ type: "daily", hourUTC: 17, minuteUTC: 30 }); // { cron: "30 17 * * *" }
 * cronScheduleRule({ type: "interval", minutes: 5 }); // { intervalMs: 300000 }
 */
export function cronScheduleRule(schedule: Record<string, unknown>): { cron: string } | { intervalMs: number } {
  const minute = () => number(schedule, "minuteUTC", 0);
  switch (schedule.type) {
    case "interval": {
      const ms =
        typeof schedule.seconds === "number"
          ? schedule.seconds * 1000
          : typeof schedule.minutes === "number"
            ? schedule.minutes * MINUTE_MS
            : number(schedule, "hours") * 60 * MINUTE_MS;
      if (!(ms > 0)) throw new Error(`Cron interval must be positive, got ${JSON.stringify(schedule)}`);
      return { intervalMs: ms };
    }
    case "hourly":
      return { cron: `${minute()} * * * *` };
    case "daily":
      return { cron: `${minute()} ${number(schedule, "hourUTC")} * * *` };
    case "weekly": {
      const day = DAY_NAMES.indexOf(String(schedule.dayOfWeek).slice(0, 3).toLowerCase());
      if (day < 0) throw new Error(`Unknown dayOfWeek in ${JSON.stringify(schedule)}`);
      return { cron: `${minute()} ${number(schedule, "hourUTC")} * * ${day}` };
    }
    case "monthly":
      return { cron: `${minute()} ${number(schedule, "hourUTC")} ${number(schedule, "day")} * *` };
    case "cron":
      if (typeof schedule.cron !== "string") throw new Error(`Cron schedule ${JSON.stringify(schedule)} lacks "cron"`);
      return { cron: schedule.cron };
    default:
      throw new Error(`Unsupported cron schedule type in ${JSON.stringify(schedule)}`);
  }
}

/**
 * The first run time (Unix ms) strictly after `afterMs`. Interval schedules
 * run one interval after `afterMs`, which callers pass as the previous run.
 *
 * @example
 * nextCronRun({ type: "cron", cron: "0 * * * *" }, Date.UTC(2025, 0, 1, 10, 15)); // Date.UTC(2025, 0, 1, 11, 0)
 */
export function nextCronRun(schedule: Record<string, unknown>, afterMs: number): number {
  const rule = cronScheduleRule(schedule);
  return "intervalMs" in rule ? afterMs + rule.intervalMs : nextMatch(parseCron(rule.cron), afterMs);
}
