/**
 * The end-to-end section of bench/RESULTS.md and its table for stdout.
 * The section sits between two HTML comments so a run of the end-to-end
 * part alone (`BENCH_E2E=only`) can replace it and keep the rest of the
 * file, and a run without it (`BENCH_E2E=skip`) can carry it over.
 */
import type { E2eResult } from "../e2e/e2e-result-types.ts";
import type { LatencyStats } from "../e2e/time-probes.ts";
import { duration, int, ms, ratio } from "./format.ts";
import { renderSsrPart, ssrHeadline } from "./ssr-section.ts";

const BEGIN = "<!-- e2e:begin (written by src/e2e; BENCH_E2E=only rewrites just this section) -->";
const END = "<!-- e2e:end -->";
/** Where a section goes in a file that has none yet. */
const INSERT_BEFORE = "\n## The engine";

const pair = (a: number, b: number | undefined) => (b === undefined ? ms(a) : `${ms(a)} / ${ms(b)}`);

/**
 * One row per operation: median, p95 and mean, ours next to the prior art
 * with their ratios when both were measured.
 *
 * @example
 * process.stdout.write(`${e2eTable(result)}\n`);
 */
export function e2eTable(result: E2eResult): string {
  const both = result.sides.includes("prior-art");
  const header = both
    ? [
        "Operation",
        "Median ms ours / prior",
        "p95 ms ours / prior",
        "Mean ms ours / prior",
        "Runs",
        "Ratio median",
        "Ratio p95",
      ]
    : ["Operation", "Median ms", "p95 ms", "Mean ms", "Runs"];
  const rows = result.operations.map((op) => {
    const a = op.sides.ours!;
    const b: LatencyStats | undefined = op.sides["prior-art"];
    const cells = [op.label, pair(a.median, b?.median), pair(a.p95, b?.p95), pair(a.mean, b?.mean), int(a.runs)];
    if (b) cells.push(ratio(a.median, b.median), ratio(a.p95, b.p95));
    return cells;
  });
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

/**
 * One line per operation, for the README and the terminal: median and p95
 * (and ÷ prior art), then the page render with `jwtCache` on and off.
 */
export function e2eHeadline(result: E2eResult): string[] {
  const operations = result.operations.map((op) => {
    const a = op.sides.ours!;
    const b = op.sides["prior-art"];
    const vs = b ? ` (prior art ${duration(b.median)} / ${duration(b.p95)}: ${ratio(a.median, b.median)} median)` : "";
    return `${op.label}: median ${duration(a.median)}, p95 ${duration(a.p95)}${vs}.`;
  });
  return result.ssr ? [...operations, ...ssrHeadline(result.ssr)] : operations;
}

function versionsLine(result: E2eResult): string {
  const sides = Object.entries(result.versions.sides).map(
    ([id, versions]) =>
      `${id === "ours" ? "ours" : "prior art"}: ${Object.entries(versions!)
        .map(([name, v]) => `${name} ${v}`)
        .join(", ")}`,
  );
  return `convex-local ${result.versions.convexLocal}; ${sides.join("; ")}`;
}

function loadWarning(result: E2eResult): string {
  const peak = Math.max(...result.load);
  if (peak <= result.machine.cores) return "";
  return (
    `\n> The machine was shared with other work during this part (1-minute load average up to ${peak.toFixed(1)} on ` +
    `${result.machine.cores} cores): absolute times are inflated; the sides alternate call by call, so ratios suffer less.\n`
  );
}

function comparisonNote(result: E2eResult): string {
  if (!result.priorArtSkipped) {
    return "Ratios are ours ÷ prior art (below 1×: ours is faster), from calls alternating between the two deployments in one loop.";
  }
  const reason = result.priorArtSkipped.split("\n")[0]!.replaceAll("|", "\\|");
  return `This comparison covers ours only: the prior art was not measured end to end (${reason}).`;
}

/**
 * The whole section, markers included.
 *
 * @example
 * writeFileSync("RESULTS.md", spliceE2eSection(previous, renderE2eSection(result)));
 */
export function renderE2eSection(result: E2eResult): string {
  const m = result.machine;
  const deploys = Object.entries(result.deployMs).map(
    ([id, t]) => `${id === "ours" ? "ours" : "prior art"} ${duration(t!)}`,
  );
  return `${BEGIN}
## End to end on convex-local

Measured ${result.date} on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), Node ${m.node}; ${versionsLine(result)}.
${result.warmUpRuns} warm-up and ${int(result.runs)} timed calls per operation and side; the part took ${duration(result.durationMs)}
(deploying: ${deploys.join(", ")}).
${loadWarning(result)}
${comparisonNote(result)}

${e2eTable(result)}

- **The app** is the guide's Next.js app, \`examples/next\`, copied at run time; its \`convex/\` folder is the guide's Convex
  code (\`createClient(components.betterAuth)\`, the \`convex()\` plugin, \`authComponent.registerRoutes\`, the \`getCurrentUser\`
  query calling \`authComponent.getAuthUser(ctx)\`), with the import specifier \`convex-better-auth\` replaced by
  \`@convex-dev/better-auth\` for the prior art. Each side gets a fresh convex-local process on free 127.0.0.1 ports,
  \`BETTER_AUTH_SECRET\` and \`SITE_URL\` set with \`npx convex env set\`, and the app pushed with \`npx convex dev --once\`
  (the real Convex CLI, self-hosted mode). One user signs up with \`POST /api/auth/sign-up/email\`; its session cookie is
  used throughout.
- **\`/convex/token\`**: \`fetch\` with the session cookie, timed up to the body. Every answer must be a 200 whose JWT is RS256,
  verifies against the deployment's \`/api/auth/convex/jwks\`, names the user in \`sub\`, the site in \`iss\`, \`convex\` in \`aud\`
  and is not expired.
- **Query over the WebSocket**: a \`ConvexClient\` (\`convex/browser\`) whose \`setAuth\` fetches and checks that JWT; the socket is
  authenticated once, then each call is \`client.query(api.auth.getCurrentUser, {})\`. Between calls (untimed) the bench waits
  until the server has confirmed removing the previous query, so no call is answered from the client's cache; the socket's
  messages are counted to prove one query went out per call. Every answer must be the signed-up user.
- **Query over HTTP**: a \`ConvexHttpClient\` with \`setAuth(jwt)\`, as server-side rendering calls Convex. Each request carries
  the JWT, so each includes verifying it; convex-local fetches the JWKS from the site for every request, since neither
  library's \`/convex/jwks\` response carries cache headers.
- Times are wall-clock in the client process over loopback: library, backend and network stack together, on one machine
  running both servers and the client. Compare the sides with each other; a hosted deployment adds network latency.
${result.ssr ? `\n${renderSsrPart(result.ssr)}` : ""}${END}`;
}

/**
 * The section when the part failed: stating the failure beats carrying
 * over figures the current code did not produce.
 *
 * @example
 * renderE2eFailure("deploying the ours app failed: …");
 */
export function renderE2eFailure(message: string): string {
  const first = message.split("\n")[0] ?? message;
  return `${BEGIN}
## End to end on convex-local

The end-to-end part failed in this run (${new Date().toISOString()}): ${first}
Run \`BENCH_E2E=only npm run bench:run -w bench\` to retry it alone and see the full error.
${END}`;
}

/** The section in an existing RESULTS.md, markers included, or undefined. */
export function existingE2eSection(markdown: string): string | undefined {
  const start = markdown.indexOf(BEGIN);
  const end = markdown.indexOf(END, start);
  return start === -1 || end === -1 ? undefined : markdown.slice(start, end + END.length);
}

/** `markdown` with its section replaced by `section` (or inserted before "## The engine", or appended). */
export function spliceE2eSection(markdown: string, section: string): string {
  const current = existingE2eSection(markdown);
  if (current !== undefined) return markdown.replace(current, () => section);
  const at = markdown.indexOf(INSERT_BEFORE);
  if (at === -1) return `${markdown.trimEnd()}\n\n${section}\n`;
  return `${markdown.slice(0, at)}\n${section}\n${markdown.slice(at)}`;
}
