/**
 * One deployment size, both sides, in one process: seed, check every
 * operation's answer (with the engine's index accelerator verified against
 * stock convex-test), meter one run of each, time them interleaved, and
 * check again.
 *
 *   node --experimental-strip-types src/measure-size.ts --users 10000 --out result.json [--ops id,id]
 *
 * run-bench.ts starts one of these per size so that each size gets a fresh
 * heap; the result is written as JSON to `--out`.
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { applyBenchEnv, PASSWORD } from "./engine/bench-env.ts";
import { captureConsole, capturedMessages } from "./engine/console-capture.ts";
import { registerResolveHooks } from "./engine/resolve-hooks.ts";

registerResolveHooks();
applyBenchEnv();
captureConsole();

const { engineStats, installIndexAccelerator, setEngineVerification } = await import("./engine/index-accelerator.ts");
const { hashPassword } = await import("better-auth/crypto");
const { ours } = await import("./sides/ours.ts");
const { priorArt } = await import("./sides/prior-art.ts");
const { prepareSide } = await import("./measure/prepare-side.ts");
const { operations } = await import("./measure/operations.ts");
const { meterOperation } = await import("./measure/meter-operation.ts");
const { timeOperation } = await import("./measure/time-operation.ts");
type SizeResult = import("./measure/result-types.ts").SizeResult;
type PreparedSide = import("./measure/prepare-side.ts").PreparedSide;
type OperationResult = import("./measure/result-types.ts").OperationResult;

const { values } = parseArgs({
  options: { users: { type: "string" }, out: { type: "string" }, ops: { type: "string" } },
});
// `--ops getAuthUser,countUsers` measures only those (for working on one operation).
const selected = values.ops ? operations.filter((op) => values.ops!.split(",").includes(op.id)) : operations;
const users = Number(values.users);
if (!Number.isInteger(users) || users <= 0 || !values.out)
  throw new Error("usage: measure-size.ts --users N --out file.json");

const log = (message: string) => process.stderr.write(`[${users} users] ${message}\n`);
const started = performance.now();
const loadAtStart = loadavg()[0]!;

await installIndexAccelerator();
// One hash for every seeded account; Better Auth 1.6 and 1.7 share the scrypt format.
const passwordHash = await hashPassword(PASSWORD);
const clock = { now: Date.now() };
const sides: PreparedSide[] = [];
for (const side of [ours, priorArt]) {
  const prepared = await prepareSide(side, users, clock, passwordHash);
  log(`${side.id}: seeded in ${(prepared.seedMs / 1000).toFixed(1)} s`);
  sides.push(prepared);
}

/**
 * Every operation answers correctly on both sides, and the accelerated
 * engine returns exactly what stock convex-test returns. Run before timing
 * and again after it, when hundreds of writes have gone through the indexes.
 */
async function sanityPass(when: string) {
  // Before timing, nothing may add users yet: count must meter the seeded table.
  for (const op of selected.filter((candidate) => when !== "before timing" || !candidate.addsUsers)) {
    setEngineVerification(op.verifyEngine?.(users) ?? true);
    for (const side of sides) await op.run(side);
  }
  setEngineVerification(false);
  log(`sanity pass ${when}: ok`);
}

await sanityPass("before timing");

const results: OperationResult[] = [];
for (const op of selected) {
  const metered = [];
  for (const side of sides) metered.push(await meterOperation(op, side));
  const time = await timeOperation(op, sides);
  results.push({
    id: op.id,
    label: op.label,
    floor: op.floor(users),
    floorWhy: op.floorWhy,
    sides: {
      ours: { metered: metered[0]!, time: time.ours },
      "prior-art": { metered: metered[1]!, time: time["prior-art"] },
    },
  });
  const [a, b] = [time.ours.median, time["prior-art"].median];
  log(`${op.id}: ours ${a.toFixed(2)} ms, prior art ${b.toFixed(2)} ms (median)`);
}

await sanityPass("after timing");

const result: SizeResult = {
  users,
  seedMs: { ours: sides[0]!.seedMs, "prior-art": sides[1]!.seedMs },
  operations: results,
  engine: engineStats(),
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  load: [loadAtStart, loadavg()[0]!],
  libraryLogs: capturedMessages(),
  durationMs: performance.now() - started,
};
writeFileSync(values.out, JSON.stringify(result, null, 2));
log(`done in ${(result.durationMs / 1000).toFixed(0)} s`);
