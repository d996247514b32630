/**
 * Collects what the libraries print instead of letting it flood the
 * terminal: the prior art logs a warning on every query it cannot serve from
 * an index, hundreds of times per operation. Each distinct message is kept
 * once with a count and shown in the report, where it explains a number.
 */
import { format } from "node:util";

export type LoggedMessage = { level: string; message: string; count: number };

const messages = new Map<string, LoggedMessage>();

export function captureConsole(): void {
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    console[level] = (...args: unknown[]) => {
      // The first line identifies the message; the rest is often a stack.
      const message = format(...args)
        .split("\n")[0]!
        .slice(0, 240);
      const key = `${level}|${message}`;
      const seen = messages.get(key) ?? { level, message, count: 0 };
      seen.count += 1;
      messages.set(key, seen);
    };
  }
}

export function capturedMessages(): LoggedMessage[] {
  return [...messages.values()].sort((a, b) => b.count - a.count);
}
