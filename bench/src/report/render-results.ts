/** bench/RESULTS.md, from the measurements of every size. */
import type { SizeResult } from "../measure/result-types.ts";
import { callBreakdown } from "./call-breakdown.ts";
import { checkTargets } from "./check-targets.ts";
import type { Environment } from "./environment.ts";
import { int } from "./format.ts";
import { growthNotes } from "./growth-notes.ts";
import { headline } from "./headline.ts";
import { resultsTable } from "./results-table.ts";

function targetsTable(sizes: SizeResult[]): string {
  const rows = checkTargets(sizes).map((c) => `| ${c.target} | ${c.holds ? "holds" : "**misses**"} | ${c.detail} |`);
  return ["| Target | Result | Measured (ours vs prior art) |", "|---|---|---|", ...rows].join("\n");
}

function libraryOutput(sizes: SizeResult[]): string {
  const lines: string[] = [];
  for (const size of sizes) {
    for (const m of size.libraryLogs)
      lines.push(`| ${int(size.users)} | ${m.level} | ${int(m.count)} | ${m.message.replaceAll("|", "\\|")} |`);
  }
  if (lines.length === 0) return "Neither library printed anything.";
  return ["| Users | Level | Times | First line |", "|---:|---|---:|---|", ...lines].join("\n");
}

function runSummary(sizes: SizeResult[]): string {
  const rows = sizes.map(
    (s) =>
      `| ${int(s.users)} | ${(s.seedMs.ours / 1000).toFixed(1)} s / ${(s.seedMs["prior-art"] / 1000).toFixed(1)} s | ` +
      `${int(s.engine.accelerated)} / ${int(s.engine.stock)} / ${int(s.engine.withDatabaseFilter)} | ${int(s.peakRssMiB)} MiB | ` +
      `${s.load.map((l) => l.toFixed(1)).join(" → ")} | ${(s.durationMs / 1000).toFixed(0)} s |`,
  );
  return [
    "| Users | Seeding ours / prior | Queries: indexed / stock / with `.filter()` | Peak RSS | Load (1 min) | Size took |",
    "|---:|---|---|---:|---|---:|",
    ...rows,
  ].join("\n");
}

/** A warning when other work shared the machine: times then carry its noise. */
function loadWarning(sizes: SizeResult[], env: Environment): string {
  const peak = Math.max(...sizes.flatMap((s) => s.load));
  if (peak <= env.cores) return "";
  return (
    `\n> The machine was shared with other work during this run (1-minute load average up to ${peak.toFixed(1)} on ` +
    `${env.cores} cores). Absolute times are inflated and noisy; the ratios come from runs interleaved in the ` +
    `same loop and suffer less. Calls and documents read are unaffected.\n`
  );
}

/** `endToEnd`: the end-to-end section (report/e2e-section.ts), placed before "The engine". */
export function renderResults(sizes: SizeResult[], env: Environment, totalMs: number, endToEnd?: string): string {
  const versions = Object.entries(env.versions).map(([name, version]) => `| ${name} | ${version} |`);
  const userCounts = sizes.map((s) => int(s.users)).join(", ");
  return `# Benchmarks: convex-better-auth vs @convex-dev/better-auth

Measured ${env.date} on ${env.cpu} (${env.cores} cores, ${env.memoryGiB} GiB), Node ${env.node}${env.commit ? `, workspace at \`${env.commit}\`` : ""}.
Full run: ${(totalMs / 60_000).toFixed(1)} min for ${userCounts} users.
${loadWarning(sizes, env)}
## How to run

- \`npm run bench\` from the repository root builds \`convex-better-auth\`, reinstalls the prior art in
  \`bench/prior-art\` (\`npm ci\`), measures every size and rewrites this file.
- \`npm run bench -w bench\` skips the build; \`npm run bench:run -w bench\` also skips \`npm ci\`.
- \`BENCH_SIZES=1000,10000\` measures only those sizes. One size, some operations, raw JSON:
  \`node --expose-gc --experimental-strip-types src/measure-size.ts --users 1000 --out r.json --ops getAuthUser\`.
- After the sizes, the [end-to-end part](#end-to-end-on-convex-local) deploys both apps to convex-local.
  \`BENCH_E2E=only\` runs just that part and rewrites just its section; \`BENCH_E2E=skip\` leaves it out (its last
  section is kept); \`BENCH_E2E_RUNS=50\` changes its number of timed calls (default 200).
- Last, the [scale part](#scale-on-convex-local) seeds convex-local with the guide's app at 10,000 and 100,000 users.
  \`BENCH_SCALE=only\` runs just that part and rewrites just its section; \`BENCH_SCALE=skip\` leaves it out (its last
  section is kept); \`BENCH_SCALE_SIZES\` and \`BENCH_SCALE_RUNS\` (default 300) tune it.

## What is measured

- **Same engine, same data.** Each library runs in its own convex-test deployment (one convex-test 0.0.70 module
  instance, one \`convex\` package, one process) with its component registered as \`betterAuth\` and an app
  that uses it the way its docs say. Ours is convex-better-auth with better-auth 1.7.25; the prior art is
  @convex-dev/better-auth 0.12.5 with the better-auth 1.6.23 it requires, loaded from \`bench/prior-art\`.
  Both get the same users: each with one credential account (one shared password hash) and one live session,
  in each library's own document shape. Both use the same Better Auth options (email and password, rate
  limit off, no cookie cache).
- **Operations**, as an app runs them: \`getAuthUser\` inside a query with the JWT identity (\`sub\`,
  \`sessionId\`) the library's token carries; \`/convex/token\`, \`/sign-in/email\`, \`/get-session\` and
  \`/list-sessions\` as HTTP requests to the routes \`registerRoutes\` adds, with the user's session cookie;
  count users (\`internalAdapter.countTotalUsers()\`, in an action: paging needs one transaction per page)
  and find a user by email (\`internalAdapter.findUserByEmail()\`, in a query). Every run checks its answer.
  Reads act as the user in the middle of the table; sign-ins use another user.
- **Component calls**: every \`runQuery\`/\`runMutation\` from the app into the component.
- **Documents read**: convex-test's transaction metrics (\`documentsRead\`), which count every document an
  index range yields, as the backend bills it, including ones the library then drops in JavaScript. For
  calls made from an action or HTTP action (which have no transaction) the metered run sends each call
  through a proxy query/mutation that reads the metrics; timed runs call the component directly.
- **Floor**: the documents any implementation has to read for the operation (column "Floor"; the reason is
  given per operation under [Where the calls and reads go](#where-the-calls-and-reads-go)).
- **Time**: wall time of the whole call as the client sees it (\`t.query\`, \`t.fetch\`, \`t.action\`),
  including building the Better Auth instance, which both libraries do per request. Median and p95 after 3
  warm-up runs; the two sides alternate run by run in one loop, so each ratio is measured in the same run.
  Each operation repeats up to its run count or about 25 s (at least 5 runs). Times are from an in-memory
  engine: compare them with each other, not with a deployment.

## Headline

${headline(sizes)
  .map((b) => `- ${b}`)
  .join("\n")}

## Results

Ratios are ours ÷ prior art (below 1×: ours makes fewer calls, reads fewer documents, takes less time).

${resultsTable(sizes)}

## Targets

${targetsTable(sizes)}

## Where the calls and reads go

Component function (Better Auth model) × calls → documents read, for one run.

${callBreakdown(sizes)}

Reads that grow with the number of users (count aside):

${
  growthNotes(sizes)
    .map((n) => `- ${n}`)
    .join("\n") || "- none"
}
${endToEnd ? `\n${endToEnd}\n` : ""}
## The engine

- convex-test has no indexes: it answers every \`withIndex\` range by visiting, filtering and sorting the
  whole table, while \`db.get\` is a map lookup. With 100,000 users an index lookup took ~150 ms and a
  \`db.get\` under 1 ms, and paging through a table cost O(table) per page: the prior art's count took about
  250 s per run. That measures convex-test, not the libraries, and would not fit the time budget. So the
  bench gives convex-test's database sorted in-memory indexes (\`src/engine/index-accelerator.ts\`, patched
  onto its shared database class, so both sides run on the same patched engine). It changes how fast a
  query is answered, never what it returns or what the metrics count; the sanity pass re-answers every
  query the stock way and fails on any difference (at 100,000 users, except the two table scans, which
  stock convex-test would take minutes to re-check).
- convex-test counts only documents that pass a database-level \`.filter()\`, where the backend bills all
  it scanned; the column "with \`.filter()\`" below counts such queries (0 means the read counts are exact).
- 100,000 users fit in memory and time (peak RSS below).

${runSummary(sizes)}

## Library output

What the libraries logged (captured, not printed), per size.

${libraryOutput(sizes)}

## Environment

| | |
|---|---|
| Date | ${env.date} |
| CPU | ${env.cpu}, ${env.cores} cores |
| Memory | ${env.memoryGiB} GiB |
| Node | ${env.node} |
${versions.join("\n")}
`;
}
