/** Where each operation's component calls and reads go, per side and size. */
import type { MeteredRun, SizeResult } from "../measure/result-types.ts";
import { int } from "./format.ts";

function describe(run: MeteredRun): string {
  return run.groups
    .map((g) => `${g.fn}${g.model ? `(${g.model})` : ""} ×${int(g.calls)} → ${int(g.documentsRead)}`)
    .join(", ");
}

export function callBreakdown(sizes: SizeResult[]): string {
  const sections: string[] = [];
  for (const first of sizes[0]?.operations ?? []) {
    const lines = [
      `**${first.label}** — floor: ${first.floorWhy}.`,
      "",
      "| Side | Users | Calls → documents read |",
      "|---|---:|---|",
    ];
    for (const sideId of ["ours", "prior-art"] as const) {
      for (const size of sizes) {
        const op = size.operations.find((o) => o.id === first.id);
        if (op) lines.push(`| ${sideId} | ${int(size.users)} | ${describe(op.sides[sideId].metered)} |`);
      }
    }
    sections.push(lines.join("\n"));
  }
  return sections.join("\n\n");
}
