/** The machine and the exact versions a run measured, for the report. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { OURS_PACKAGE_DIR, PRIOR_ART_DIR, WORKSPACE_DIR } from "../engine/paths.ts";

export type Environment = {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  commit?: string;
  versions: Record<string, string>;
};

function versionOf(packageDir: string): string {
  return (JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string }).version;
}

function workspaceCommit(): string | undefined {
  try {
    // Read-only: which commit the numbers belong to (the tree may have local changes).
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: WORKSPACE_DIR, encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

export function describeEnvironment(): Environment {
  const rootModules = join(WORKSPACE_DIR, "node_modules");
  const priorModules = join(PRIOR_ART_DIR, "node_modules");
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    commit: workspaceCommit(),
    versions: {
      "convex-better-auth (ours)": versionOf(OURS_PACKAGE_DIR),
      "better-auth (ours)": versionOf(join(rootModules, "better-auth")),
      "@convex-dev/better-auth (prior art)": versionOf(join(priorModules, "@convex-dev/better-auth")),
      "better-auth (prior art)": versionOf(join(priorModules, "better-auth")),
      "convex-helpers (prior art)": versionOf(join(priorModules, "convex-helpers")),
      convex: versionOf(join(rootModules, "convex")),
      "convex-test (engine, both sides)": versionOf(join(rootModules, "convex-test")),
    },
  };
}
