/**
 * The page-render part of the end-to-end section: one row per side and
 * `jwtCache` setting, the `/convex/token` round trips each render made, and
 * how the bench built the prior art's variant from the example.
 */
import type { CountSummary, SsrResult, SsrVariantResult } from "../e2e/e2e-result-types.ts";
import { duration, int, ms, ratio } from "./format.ts";

const sideLabel = (v: Pick<SsrVariantResult, "side">) => (v.side === "ours" ? "ours" : "prior art");
const setting = (v: Pick<SsrVariantResult, "jwtCache">) => (v.jwtCache ? "on" : "off");
/** `on (default)` where the setting is the side's default. */
const settingCell = (ssr: SsrResult, v: SsrVariantResult) =>
  `${setting(v)}${ssr.jwtCacheDefault[v.side] === v.jwtCache ? " (default)" : ""}`;

/** `1`, or `0–1 (mean 0.02)` when renders differed. */
function count(c: CountSummary): string {
  return c.min === c.max ? int(c.min) : `${int(c.min)}–${int(c.max)} (mean ${c.mean.toFixed(2)})`;
}

/** The prior art's variant with the same setting, if measured. */
function priorOf(ssr: SsrResult, v: SsrVariantResult): SsrVariantResult | undefined {
  return ssr.variants.find((p) => p.side === "prior-art" && p.jwtCache === v.jwtCache);
}

/**
 * One row per variant: median, p95, mean, round trips, and for ours the
 * ratio to the prior art with the same setting.
 *
 * @example
 * process.stdout.write(`${ssrTable(result.ssr)}\n`);
 */
export function ssrTable(ssr: SsrResult): string {
  const header = [
    "Side",
    "jwtCache",
    "Median ms",
    "p95 ms",
    "Mean ms",
    "Runs",
    "`/convex/token` round trips per render",
    "HTTP requests per render",
    "Ratio median (÷ prior art, same jwtCache)",
    "Ratio p95",
  ];
  const rows = ssr.variants.map((v) => {
    const prior = v.side === "ours" ? priorOf(ssr, v) : undefined;
    return [
      sideLabel(v),
      settingCell(ssr, v),
      ms(v.stats.median),
      ms(v.stats.p95),
      ms(v.stats.mean),
      int(v.stats.runs),
      count(v.tokenRoundTrips),
      count(v.requests),
      prior ? ratio(v.stats.median, prior.stats.median) : "",
      prior ? ratio(v.stats.p95, prior.stats.p95) : "",
    ];
  });
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => (i < 2 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

/**
 * One line per `jwtCache` setting, for the README and the terminal.
 *
 * @example
 * ssrHeadline(result.ssr); // ["SSR page render …, jwtCache on: median 31.2 ms, p95 …"]
 */
export function ssrHeadline(ssr: SsrResult): string[] {
  const lines = ssr.variants
    .filter((v) => v.side === "ours")
    .map((v) => {
      const prior = priorOf(ssr, v);
      const vs = prior
        ? ` (prior art ${duration(prior.stats.median)} / ${duration(prior.stats.p95)}, ${count(prior.tokenRoundTrips)}: ${ratio(v.stats.median, prior.stats.median)} median)`
        : "";
      return (
        `${ssr.label}, jwtCache ${setting(v)}: median ${duration(v.stats.median)}, p95 ${duration(v.stats.p95)}, ` +
        `${count(v.tokenRoundTrips)} \`/convex/token\` round trip(s) per render${vs}.`
      );
    });
  // What turning the cache on saves, per side: the two settings ran in the same loop.
  const savings = (["ours", "prior-art"] as const).flatMap((side) => {
    const on = ssr.variants.find((v) => v.side === side && v.jwtCache);
    const off = ssr.variants.find((v) => v.side === side && !v.jwtCache);
    return on && off ? [`${sideLabel(on)} ${ratio(on.stats.median, off.stats.median)}`] : [];
  });
  if (savings.length > 0) lines.push(`${ssr.label}, jwtCache on ÷ off (median): ${savings.join(", ")}.`);
  return lines;
}

/** Requests by path, e.g. `POST /api/query ×200`, for the notes. */
function paths(v: SsrVariantResult): string {
  const entries = Object.entries(v.byPath).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "none" : entries.map(([path, n]) => `\`${path}\` ×${int(n)}`).join(", ");
}

/**
 * The table with its notes, for the end-to-end section.
 *
 * @example
 * const markdown = renderSsrPart(result.ssr);
 */
export function renderSsrPart(ssr: SsrResult): string {
  const builds = Object.entries(ssr.buildMs).map(
    ([id, t]) => `${id === "ours" ? "ours" : "prior art"} ${duration(t!)}`,
  );
  const nextVersions = [...new Set(Object.values(ssr.next))].join(", ");
  const skipped = ssr.priorArtSkipped
    ? `\nThe prior art's page was not measured: ${ssr.priorArtSkipped.split("\n")[0]!.replaceAll("|", "\\|")}\n`
    : "";
  const options = Object.entries(ssr.jwtCacheOption).map(
    ([id, option]) => `  - ${id === "ours" ? "ours" : "prior art"}: \`jwtCache: ${option}\``,
  );
  const typeChecks = Object.entries(ssr.typeCheckSkipped).map(
    ([id, why]) =>
      `- **Type checking**: the ${id === "ours" ? "ours" : "prior art's"} build skips it (the example's \`next.config\` wrapped with \`typescript.ignoreBuildErrors\`) because ${why}; what runs is unchanged.`,
  );
  const byPath = ssr.variants.map((v) => `  - ${sideLabel(v)}, jwtCache ${setting(v)}: ${paths(v)}`);
  return `### Server-side rendering (Next.js)
${skipped}
${ssrTable(ssr)}

- **The page** is the example's signed-in dashboard (\`app/(auth)/(dashboard)/page.tsx\`, \`GET /\`): the root layout calls
  \`getToken()\`, the page \`isAuthenticated()\` and then \`preloadAuthQuery(api.auth.getCurrentUser)\`, which queries
  Convex over HTTP with the user's JWT. Timed with \`fetch\` up to the end of the HTML, with the cookies the sign-in set
  (the session cookie and \`convex_jwt\`), as a browser sends them, in every variant. Every page must be a 200 holding
  the user's name and the preloaded query's answer (the user's email).
- **The apps**: \`examples/next\` copied at run time into \`bench/.tmp\`, imports rewritten to each side's library, deployed to
  that side's convex-local (\`npx convex dev --once\`), built once per side with \`next build\` (Next.js ${nextVersions};
  ${builds.join(", ")}) and served by \`next start\` twice per side, with BENCH_JWT_CACHE \`on\` and \`off\`. Each server signs
  the user in through its own \`/api/auth\` (\`POST /api/auth/sign-in/email\`); the four pages alternate run by run in one loop.
- **What the bench changes in the example**, besides \`convex-better-auth\` → \`@convex-dev/better-auth\` in every import:
  the \`jwtCache\` option of \`convexBetterAuthNextJs\`, read at server start so one build serves both settings.
${options.join("\n")}

  The option has the same name on both sides; what differs: ours is on by default and \`{ enabled: false }\` turns it off,
  and it verifies the cookie's signature (against the deployment's JWKS, fetched once and cached); the prior art's is
  off by default, needs \`isAuthError\` once enabled, and only decodes the cookie.
${typeChecks.join("\n")}
- **Round trips** are the HTTP requests the Next.js server sent while rendering, counted in its process (a preloaded
  module listening on undici's diagnostics channel, \`src/e2e/request-log-preload.mjs\`; it changes no request).
  Over all timed renders:
${byPath.join("\n")}
`;
}
