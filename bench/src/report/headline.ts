/** A few sentences with the numbers that matter most, written from the data. */
import type { OperationResult, SizeResult } from "../measure/result-types.ts";
import { duration, int, ratio } from "./format.ts";

function sides(op: OperationResult) {
  return { a: op.sides.ours, b: op.sides["prior-art"] };
}

function callsDocs(run: { calls: number; documentsRead: number }) {
  return `${int(run.calls)} call${run.calls === 1 ? "" : "s"} / ${int(run.documentsRead)} doc${run.documentsRead === 1 ? "" : "s"}`;
}

export function headline(sizes: SizeResult[]): string[] {
  const largest = sizes[sizes.length - 1]!;
  const at = `at ${int(largest.users)} users`;
  const find = (id: string) => largest.operations.find((op) => op.id === id)!;
  const bullets: string[] = [];

  const authUser = sides(find("getAuthUser"));
  bullets.push(
    `getAuthUser: ${callsDocs(authUser.a.metered)} vs the prior art's ${callsDocs(authUser.b.metered)}; ` +
      `median ${duration(authUser.a.time.median)} vs ${duration(authUser.b.time.median)} (${ratio(authUser.a.time.median, authUser.b.time.median)}) ${at}.`,
  );

  const token = sides(find("convexToken"));
  bullets.push(
    `/convex/token: ${callsDocs(token.a.metered)} vs ${callsDocs(token.b.metered)}; median ` +
      sizes
        .map((size) => {
          const { a, b } = sides(size.operations.find((op) => op.id === "convexToken")!);
          return `${ratio(a.time.median, b.time.median)} at ${int(size.users)}`;
        })
        .join(", ") +
      " users (ours ÷ prior art).",
  );

  for (const op of largest.operations) {
    if (op.id === "getAuthUser" || op.id === "countUsers") continue;
    const { a, b } = sides(op);
    if (b.metered.documentsRead >= 10 * Math.max(1, a.metered.documentsRead)) {
      bullets.push(
        `${op.label}: ${callsDocs(a.metered)} vs ${callsDocs(b.metered)} ${at} ` +
          `(floor ${int(op.floor)}); median ${duration(a.time.median)} vs ${duration(b.time.median)}.`,
      );
    }
  }

  const count = sides(find("countUsers"));
  bullets.push(
    `count users ${at}: both read all ${int(largest.users)} users (the floor), in ${int(count.a.metered.calls)} vs ` +
      `${int(count.b.metered.calls)} component calls; median ${duration(count.a.time.median)} vs ${duration(count.b.time.median)}.`,
  );

  // Differences within ±5% of the median are noise at these run counts.
  const slower = sizes.flatMap((size) =>
    size.operations
      .filter((op) => op.sides.ours.time.median > 1.05 * op.sides["prior-art"].time.median)
      .map(
        (op) =>
          `${op.label} at ${int(size.users)} (${ratio(op.sides.ours.time.median, op.sides["prior-art"].time.median)})`,
      ),
  );
  bullets.push(
    slower.length === 0
      ? "Ours is nowhere more than 5% slower (median) than the prior art, at any size."
      : `Ours is more than 5% slower (median) on: ${slower.join("; ")}.`,
  );
  return bullets;
}
