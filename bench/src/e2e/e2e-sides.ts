/**
 * The two libraries as the end-to-end part deploys them: which import
 * specifier the guide's code uses, where its packages (and its own copy of
 * the Convex CLI) are installed, and the versions that end up in the report.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PRIOR_ART_DIR, WORKSPACE_DIR } from "../engine/paths.ts";
import type { SideId } from "../sides/side.ts";

export type E2eSide = {
  id: SideId;
  /** For tables: "ours", "prior art". */
  label: string;
  /** npm name of the library, which replaces `convex-better-auth` in the guide's imports. */
  library: string;
  /**
   * The `node_modules` the deployed app resolves from. The app is written to
   * a temp dir outside the repo, with a `node_modules` symlink to this
   * folder, so each side bundles its own better-auth and never the other's.
   */
  nodeModules: string;
  /**
   * The `jwtCache` option the side's Next.js app passes to
   * `convexBetterAuthNextJs`, as source. It reads BENCH_JWT_CACHE (`on` or
   * `off`) when the server starts, so one production build serves both
   * settings.
   */
  nextJwtCacheOption: string;
  /** Whether the side's `jwtCache` is on when an app leaves the option out. */
  jwtCacheDefault: boolean;
  /** Why the side's `next build` skips type checking; undefined when it type-checks. */
  nextSkipsTypeCheck?: string;
};

/** The workspace's copy of convex (1.49): our app's CLI and the bench's clients. */
export const WORKSPACE_NODE_MODULES = join(WORKSPACE_DIR, "node_modules");
export const CONVEX_LOCAL_DIR = join(WORKSPACE_DIR, "packages/convex-local");
/** The guide's Next.js app (its Convex code in `convex/`), as the repository ships it. */
export const EXAMPLE_APP_DIR = join(WORKSPACE_DIR, "examples/next");

export const OURS_E2E: E2eSide = {
  id: "ours",
  label: "ours",
  library: "convex-better-auth",
  nodeModules: WORKSPACE_NODE_MODULES,
  // On by default; `{ enabled: false }` is how an app turns it off.
  nextJwtCacheOption: `{ enabled: process.env.BENCH_JWT_CACHE !== "off" }`,
  jwtCacheDefault: true,
};

export const PRIOR_ART_E2E: E2eSide = {
  id: "prior-art",
  label: "prior art",
  library: "@convex-dev/better-auth",
  nodeModules: join(PRIOR_ART_DIR, "node_modules"),
  // Off by default, and `isAuthError` is required once it is on: the
  // prior art's docs (Experimental, "JWT Caching") define it as any error
  // whose message mentions "auth". A page that renders never calls it.
  nextJwtCacheOption:
    `{ enabled: process.env.BENCH_JWT_CACHE === "on", ` +
    `isAuthError: (error: unknown) => /auth/i.test(error instanceof Error ? error.message : String(error)) }`,
  jwtCacheDefault: false,
  nextSkipsTypeCheck:
    "the prior art's types reject the guide's unchanged `<ConvexBetterAuthProvider authClient={authClient}>` (TS2322: its `AuthClient` type makes `useSession().data` `never`)",
};

/** The version in `<dir>/package.json`, or undefined when it is not installed. */
export function installedVersion(dir: string): string | undefined {
  const file = join(dir, "package.json");
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** Library, better-auth and convex versions a side's app bundles. */
export function sideVersions(side: E2eSide): Record<string, string> {
  return {
    [side.library]: installedVersion(join(side.nodeModules, side.library)) ?? "not installed",
    "better-auth": installedVersion(join(side.nodeModules, "better-auth")) ?? "not installed",
    convex: installedVersion(join(side.nodeModules, "convex")) ?? "not installed",
  };
}

/**
 * Why a side cannot be deployed, or undefined when it can. The prior art
 * lives in `bench/prior-art` (installed by `npm run bench -w bench`), so a
 * `bench:run` on a fresh checkout has no prior art to deploy.
 */
export function missingInstall(side: E2eSide): string | undefined {
  for (const pkg of [side.library, "better-auth", "convex"]) {
    if (!existsSync(join(side.nodeModules, pkg, "package.json"))) {
      return `${pkg} is not installed in ${side.nodeModules} (run \`npm run bench -w bench\`, which installs the prior art)`;
    }
  }
  // `app.use(betterAuth)` bundles the built component.
  if (!existsSync(join(side.nodeModules, side.library, "dist/component/convex.config.js"))) {
    return `${side.library} has no dist/ (run \`npm run build\` at the repository root)`;
  }
  return undefined;
}
