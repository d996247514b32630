/**
 * The targets the issue sets, checked against the measurements. A miss is
 * reported with the numbers; the call breakdown shows where they come from.
 */
import type { SizeResult } from "../measure/result-types.ts";
import { duration, int, ratio } from "./format.ts";

export type TargetCheck = { target: string; holds: boolean; detail: string };

function operation(size: SizeResult, id: string) {
  const op = size.operations.find((o) => o.id === id);
  if (!op) throw new Error(`no results for ${id} at ${size.users} users`);
  return op;
}

export function checkTargets(sizes: SizeResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];

  const authUser = sizes.map((size) => ({ users: size.users, m: operation(size, "getAuthUser").sides.ours.metered }));
  checks.push({
    target: "getAuthUser = 1 component call and 2 documents read",
    holds: authUser.every(({ m }) => m.calls === 1 && m.documentsRead === 2),
    detail: authUser.map(({ users, m }) => `${int(users)} users: ${m.calls} call, ${m.documentsRead} docs`).join("; "),
  });

  const growing: string[] = [];
  const flat: string[] = [];
  for (const op of sizes[0]?.operations ?? []) {
    if (op.id === "countUsers") continue;
    const reads = sizes.map((size) => operation(size, op.id).sides.ours.metered.documentsRead);
    if (reads.some((r) => r !== reads[0])) growing.push(`${op.label}: ${reads.map(int).join(" → ")}`);
    else flat.push(`${op.label} ${reads[0]}`);
  }
  checks.push({
    target: "No operation's documents read grows with the number of users, except count",
    holds: growing.length === 0,
    detail:
      growing.length === 0
        ? `same reads at ${sizes.map((s) => int(s.users)).join(", ")} users: ${flat.join(", ")}`
        : `grows: ${growing.join("; ")}`,
  });

  const token = sizes.map((size) => ({ users: size.users, op: operation(size, "convexToken") }));
  checks.push({
    target: "/convex/token ≤ prior art in component calls",
    holds: token.every(({ op }) => op.sides.ours.metered.calls <= op.sides["prior-art"].metered.calls),
    detail: token
      .map(
        ({ users, op }) =>
          `${int(users)} users: ${op.sides.ours.metered.calls} vs ${op.sides["prior-art"].metered.calls}`,
      )
      .join("; "),
  });
  checks.push({
    target: "/convex/token ≤ prior art in time (median)",
    holds: token.every(({ op }) => op.sides.ours.time.median <= op.sides["prior-art"].time.median),
    detail: token
      .map(
        ({ users, op }) =>
          `${int(users)} users: ${duration(op.sides.ours.time.median)} vs ${duration(op.sides["prior-art"].time.median)} ` +
          `(${ratio(op.sides.ours.time.median, op.sides["prior-art"].time.median)})`,
      )
      .join("; "),
  });
  return checks;
}
