/**
 * What the bench changes in the guide's Next.js app beyond the import
 * specifier, and nothing else:
 *
 * - the `jwtCache` option of `convexBetterAuthNextJs`, set from
 *   BENCH_JWT_CACHE when the server starts (`E2eSide.nextJwtCacheOption`),
 *   so one production build per side serves the page with the cache on and
 *   off;
 * - for a side whose types reject the guide's code, `next build` without
 *   type checking (the example's own config, wrapped), which changes what is
 *   checked, not what runs.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { E2eSide } from "./e2e-sides.ts";

const HELPER_CALL = "convexBetterAuthNextJs({";

/** Adds `jwtCache: <option>` to the app's one `convexBetterAuthNextJs({ … })` call. */
function setJwtCache(side: E2eSide, files: string[]): void {
  const calls = files.filter((file) => readFileSync(file, "utf8").includes(HELPER_CALL));
  if (calls.length !== 1) {
    throw new Error(
      `expected one \`${HELPER_CALL}\` in the Next.js example, found ${calls.length}; update bench/src/e2e/next-variant.ts`,
    );
  }
  const file = calls[0]!;
  const source = readFileSync(file, "utf8");
  if (source.includes("jwtCache") || source.split(HELPER_CALL).length !== 2) {
    throw new Error(
      `${file} already configures jwtCache or calls convexBetterAuthNextJs twice; update bench/src/e2e/next-variant.ts`,
    );
  }
  writeFileSync(file, source.replace(HELPER_CALL, `${HELPER_CALL}\n    jwtCache: ${side.nextJwtCacheOption},`));
}

/** Keeps the example's `next.config.*` and wraps it with `typescript.ignoreBuildErrors`. */
function skipTypeCheck(appDir: string, reason: string): void {
  const config = ["next.config.ts", "next.config.mjs", "next.config.js"].find((name) => existsSync(join(appDir, name)));
  const header = `import type { NextConfig } from "next";\n`;
  const why = `// Written by the bench: type checking is skipped because ${reason.replaceAll("\n", " ")}.\n`;
  if (!config) {
    writeFileSync(
      join(appDir, "next.config.ts"),
      `${header}\n${why}const nextConfig: NextConfig = { typescript: { ignoreBuildErrors: true } };\n\nexport default nextConfig;\n`,
    );
    return;
  }
  const kept = `example.${config}`;
  renameSync(join(appDir, config), join(appDir, kept));
  writeFileSync(
    join(appDir, "next.config.ts"),
    `${header}import example from "./${kept.replace(/\.(ts|mjs|js)$/, "")}";

${why}if (typeof example === "function") throw new Error("bench/src/e2e/next-variant.ts cannot wrap a next.config that exports a function");
const nextConfig: NextConfig = { ...example, typescript: { ...example.typescript, ignoreBuildErrors: true } };

export default nextConfig;
`,
  );
}

/**
 * Applies the bench's Next.js settings for `side` to the copied example in
 * `appDir`, whose source files are `files`.
 *
 * @example
 * applyNextVariant(PRIOR_ART_E2E, appDir, files);
 */
export function applyNextVariant(side: E2eSide, appDir: string, files: string[]): void {
  setJwtCache(side, files);
  if (side.nextSkipsTypeCheck) skipTypeCheck(appDir, side.nextSkipsTypeCheck);
}
