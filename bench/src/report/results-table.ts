/** The main table: one row per operation and size, ours next to the prior art. */
import type { SizeResult } from "../measure/result-types.ts";
import { int, ms, ratio } from "./format.ts";

export function resultsTable(sizes: SizeResult[]): string {
  const header = [
    "Operation",
    "Users",
    "Floor (docs)",
    "Calls ours / prior",
    "Docs read ours / prior",
    "Median ms ours / prior",
    "p95 ms ours / prior",
    "Runs",
    "Ratio calls",
    "Ratio docs",
    "Ratio time",
  ];
  const rows: string[][] = [];
  const ids = sizes[0]?.operations.map((op) => op.id) ?? [];
  for (const id of ids) {
    for (const size of sizes) {
      const op = size.operations.find((o) => o.id === id);
      if (!op) continue;
      const a = op.sides.ours;
      const b = op.sides["prior-art"];
      rows.push([
        op.label,
        int(size.users),
        int(op.floor),
        `${int(a.metered.calls)} / ${int(b.metered.calls)}`,
        `${int(a.metered.documentsRead)} / ${int(b.metered.documentsRead)}`,
        `${ms(a.time.median)} / ${ms(b.time.median)}`,
        `${ms(a.time.p95)} / ${ms(b.time.p95)}`,
        String(a.time.runs),
        ratio(a.metered.calls, b.metered.calls),
        ratio(a.metered.documentsRead, b.metered.documentsRead),
        ratio(a.time.median, b.time.median),
      ]);
    }
  }
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => (i < 1 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}
