/**
 * The scale section of bench/RESULTS.md, its table for stdout and the
 * O(log n) verdict. Like the end-to-end section it sits between two HTML
 * comments, so `BENCH_SCALE=only` can replace it and keep the rest of the
 * file, and a run with `BENCH_SCALE=skip` can carry it over.
 */
import type { LatencyStats } from "../e2e/time-probes.ts";
import type { ScaleOperationId, ScaleResult, ScaleSizeResult } from "../scale/scale-result-types.ts";
import { duration, int, ms } from "./format.ts";

const BEGIN = "<!-- scale:begin (written by src/scale; BENCH_SCALE=only rewrites just this section) -->";
const END = "<!-- scale:end -->";
/** Where a section goes in a file that has none yet: after the end-to-end section, before the engine notes. */
const INSERT_BEFORE = "\n## The engine";

const growth = (from: number, to: number) => `${(to / from).toFixed(2)}×`;
const mib = (n: number | undefined) => (n === undefined ? "n/a" : `${int(Math.round(n))} MiB`);

type Row = { label: string; value(size: ScaleSizeResult): number | undefined; format(n: number | undefined): string };

const latency = (pick: (size: ScaleSizeResult) => LatencyStats, stat: "median" | "p95") => (size: ScaleSizeResult) =>
  pick(size)[stat];

const ROWS: Row[] = [
  { label: "Start to ready, restart over the existing data", value: (s) => s.readyMs, format: (n) => duration(n!) },
  { label: "RSS after ready", value: (s) => s.memoryAfterReady?.rssMiB, format: mib },
  { label: "RSS after the timed calls", value: (s) => s.memoryAfterLoad?.rssMiB, format: mib },
  { label: "Peak RSS (VmHWM) since the restart", value: (s) => s.memoryAfterLoad?.peakRssMiB, format: mib },
  { label: "First `/convex/token` after ready", value: (s) => s.firstTokenMs, format: (n) => duration(n!) },
  {
    label: "First `ConvexClient` after ready (connect, token, authenticate, query)",
    value: (s) => s.firstClientMs,
    format: (n) => duration(n!),
  },
  {
    label: "**`GET /convex/token`, median**",
    value: latency((s) => s.operations.convexToken, "median"),
    format: (n) => `${ms(n!)} ms`,
  },
  {
    label: "`GET /convex/token`, p95",
    value: latency((s) => s.operations.convexToken, "p95"),
    format: (n) => `${ms(n!)} ms`,
  },
  {
    label: "**Authenticated `getCurrentUser` over the WebSocket, median**",
    value: latency((s) => s.operations.syncQuery, "median"),
    format: (n) => `${ms(n!)} ms`,
  },
  {
    label: "Authenticated `getCurrentUser` over the WebSocket, p95",
    value: latency((s) => s.operations.syncQuery, "p95"),
    format: (n) => `${ms(n!)} ms`,
  },
  {
    label: "`POST /sign-up/email` (password hashing), median",
    value: latency((s) => s.operations.signUp, "median"),
    format: (n) => `${ms(n!)} ms`,
  },
  {
    label: "`POST /sign-up/email` (password hashing), p95",
    value: latency((s) => s.operations.signUp, "p95"),
    format: (n) => `${ms(n!)} ms`,
  },
  { label: "Data dir on disk", value: (s) => s.dataDirMiB, format: mib },
];

/**
 * Sizes as columns, then the growth from the smallest to the largest.
 *
 * @example
 * process.stdout.write(`${scaleTable(result)}\n`);
 */
export function scaleTable(result: ScaleResult): string {
  const sizes = result.sizes;
  const first = sizes[0]!;
  const last = sizes.at(-1)!;
  const withGrowth = sizes.length > 1;
  const header = [
    "",
    ...sizes.map((s) => `${int(s.users)} users`),
    ...(withGrowth ? [`Growth ${int(first.users)} → ${int(last.users)}`] : []),
  ];
  const rows = ROWS.map((row) => {
    const cells = [row.label, ...sizes.map((s) => row.format(row.value(s)))];
    if (withGrowth) {
      const a = row.value(first);
      const b = row.value(last);
      cells.push(a === undefined || b === undefined ? "n/a" : growth(a, b));
    }
    return cells;
  });
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

/** The timed operations, named as the verdict names them. */
const VERDICT_OPERATIONS: { id: ScaleOperationId; name: string }[] = [
  { id: "convexToken", name: "/convex/token" },
  { id: "syncQuery", name: "the WebSocket query" },
  { id: "signUp", name: "sign-up" },
];

const list = (items: string[]) =>
  items.length < 2 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;

/**
 * Whether per-request latency grows faster than O(log n): each operation's
 * median growth from the smallest to the largest size against
 * log(largest) / log(smallest), which a cost of a + b·log n never exceeds.
 * The p95s are given alongside; they decide nothing (on a shared machine a
 * p95 is the other work's as much as the server's). Asserts nothing.
 *
 * @example
 * process.stdout.write(`${scaleVerdict(result)}\n`);
 */
export function scaleVerdict(result: ScaleResult): string {
  const first = result.sizes[0]!;
  const last = result.sizes.at(-1)!;
  if (result.sizes.length < 2) return "Verdict: one size measured, so no growth to judge.";
  const bound = Math.log(last.users) / Math.log(first.users);
  const ops = VERDICT_OPERATIONS.map(({ id, name }) => {
    const a = first.operations[id];
    const b = last.operations[id];
    return { name, median: b.median / a.median, p95: b.p95 / a.p95 };
  });
  const medians = (selected: typeof ops) => list(selected.map((op) => `${op.median.toFixed(2)}× (${op.name})`));
  const over = ops.filter((op) => op.median > bound);
  const within = ops.filter((op) => op.median <= bound);
  const span = `from ${int(first.users)} to ${int(last.users)} users`;
  const boundText = `log(${int(last.users)}) / log(${int(first.users)}) = ${bound.toFixed(2)}×`;
  const head =
    over.length === 0
      ? `Verdict: per-request latency does not grow faster than O(log n): ${span} the medians grew ${medians(ops)}, within ${boundText}.`
      : within.length === 0
        ? `Verdict: per-request latency GROWS FASTER THAN O(log n): ${span} the medians grew ${medians(ops)}, beyond ${boundText}.`
        : `Verdict: per-request latency GROWS FASTER THAN O(log n) for ${list(over.map((op) => op.name))}: ${span} its median grew ` +
          `${medians(over)}, beyond ${boundText}; not for ${list(within.map((op) => op.name))}: ${medians(within)}.`;
  return `${head} The p95s grew ${list(ops.map((op) => `${op.p95.toFixed(2)}× (${op.name})`))}.`;
}

function loadWarning(result: ScaleResult): string {
  const peak = Math.max(...result.sizes.flatMap((s) => s.load), ...result.timedLoad);
  if (peak <= result.machine.cores) return "";
  return (
    `\n> The machine was shared with other work during this part (other sessions' builds and tests; 1-minute load ` +
    `average up to ${peak.toFixed(1)} on ${result.machine.cores} cores, ${result.timedLoad.map((l) => l.toFixed(1)).join(" → ")} ` +
    `during the timed calls). Absolute times are inflated and seeding and restart times (measured one size after the ` +
    `other) carry that noise; the timed calls alternate between the sizes, so their growth ratios suffer less.\n`
  );
}

function seedingTable(result: ScaleResult): string {
  const rows = result.sizes.map(
    (s) =>
      `| ${int(s.users)} | ${int(s.imported)} users, ${int(s.importedDocuments)} documents, ${s.snapshotMiB.toFixed(s.snapshotMiB < 1 ? 2 : 1)} MiB ZIP: ${duration(s.importMs)} | ` +
      `${duration(s.seedMs)} | ` +
      `${s.load.map((l) => l.toFixed(1)).join(" → ")} |`,
  );
  return [
    "| Users | `npx convex import` | Seeding in all (push, import, sign-ups) | Load (1 min): seeding → ready |",
    "|---:|---|---:|---|",
    ...rows,
  ].join("\n");
}

/**
 * The whole section, markers included.
 *
 * @example
 * writeFileSync("RESULTS.md", spliceScaleSection(previous, renderScaleSection(result)));
 */
export function renderScaleSection(result: ScaleResult): string {
  const m = result.machine;
  const versions = Object.entries(result.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(", ");
  return `${BEGIN}
## Scale on convex-local

Measured ${result.date} on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), Node ${m.node}; ${versions}.
${result.warmUpRuns} warm-up and ${int(result.runs)} timed calls per operation and size; the part took ${duration(result.durationMs)}.
${loadWarning(result)}
${scaleTable(result)}

${scaleVerdict(result)}

Start to ready and memory grow with the data, as expected: convex-local loads every document of the deployment into
memory when it starts (and builds each index on its first use, which the first calls after ready pay). The verdict
concerns the per-request latencies only.

- **The app** is the guide's Convex code as the guide writes it (\`packages/convex-better-auth/src/test-utils/seed-app\`,
  the app of the library's seed-flow tests): \`createClient(components.betterAuth)\`, the \`convex()\` plugin,
  \`authComponent.registerRoutes\`, and \`getCurrentUser\`, a query calling \`authComponent.getAuthUser(ctx)\`. Each size gets a
  fresh convex-local, \`BETTER_AUTH_SECRET\` and \`SITE_URL\` set with \`npx convex env set\` and the app pushed with
  \`npx convex dev --once\` (the real Convex CLI, self-hosted mode).
- **Seeding** without hashing a password per user: \`npx convex import --component betterAuth --append -y seed.zip\`
  (the unmodified CLI) imports all users but ${int(result.sizes[0]?.signedUp ?? 0)} as a snapshot ZIP with \`user\`, \`account\` and
  \`session\` tables: one credential account (one shared password hash) and one live session per user, the rows the
  in-process part seeds. The users carry placeholder \`_id\`s that the accounts and sessions reference; the import
  gives them this deployment's ids and rewrites the references. One imported user then signs in over HTTP (proving
  Better Auth finds the rows), and the last ${int(result.sizes[0]?.signedUp ?? 0)} users sign up with \`POST /api/auth/sign-up/email\`; the first of
  them is the user of every timed call.
- **Restart**: the server is stopped (SIGTERM) and \`convex-local start\` runs again over the same data dir and ports (the
  pushed auth config names the site URL, so a restart on other ports would reject every JWT until the next push).
  *Start to ready* runs from spawning the process to its ready line, Node's own start included. RSS is the server
  process's \`VmRSS\` from \`/proc\`, right after the ready line and after all timed calls; the peak is its \`VmHWM\`.
- **Timed calls**, the probes of the end-to-end part: \`GET /api/auth/convex/token\` with the session cookie, every JWT
  verified against the deployment's JWKS; and a \`ConvexClient\` whose \`setAuth\` fetches that JWT, each call
  \`client.query(api.auth.getCurrentUser, {})\` as one round trip over the authenticated socket, every answer the
  signed-up user. Then fewer sign-ups (\`POST /api/auth/sign-up/email\`, a new user each), the one timed operation that
  writes and hashes a password (scrypt, ~16 MiB per call): it shows what a deployment's size does to
  allocation-heavy requests, whose garbage collections mark a heap that holds every document. All sizes' servers
  run at once and the calls alternate between them call by call.
- **Verdict**: a per-request cost of a + b·log n grows from n₁ to n₂ users by at most log(n₂)/log(n₁) (1.25× from
  10,000 to 100,000); the verdict compares the medians' growth with that bound and asserts nothing.

Seeding (not timed against each other: one size after the other):

${seedingTable(result)}
${END}`;
}

/**
 * The section when the part failed: stating the failure beats carrying
 * over figures the current code did not produce.
 *
 * @example
 * renderScaleFailure("the first calls after restarting 100000 users failed: …");
 */
export function renderScaleFailure(message: string): string {
  const first = message.split("\n")[0] ?? message;
  return `${BEGIN}
## Scale on convex-local

The scale part failed in this run (${new Date().toISOString()}): ${first}
Run \`BENCH_SCALE=only npm run bench:run -w bench\` to retry it alone and see the full error.
${END}`;
}

/** The section in an existing RESULTS.md, markers included, or undefined. */
export function existingScaleSection(markdown: string): string | undefined {
  const start = markdown.indexOf(BEGIN);
  const end = markdown.indexOf(END, start);
  return start === -1 || end === -1 ? undefined : markdown.slice(start, end + END.length);
}

/** `markdown` with its section replaced by `section` (or inserted before "## The engine", or appended). */
export function spliceScaleSection(markdown: string, section: string): string {
  const current = existingScaleSection(markdown);
  if (current !== undefined) return markdown.replace(current, () => section);
  const at = markdown.indexOf(INSERT_BEFORE);
  if (at === -1) return `${markdown.trimEnd()}\n\n${section}\n`;
  return `${markdown.slice(0, at)}\n${section}\n${markdown.slice(at)}`;
}
