import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { access, mkdir, readdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { CodedError } from "./coded-error.ts";

/** One package the CLI left external in the `"use node"` bundles (convex.json `node.externalPackages`), at the exact version installed in the app. */
export type NodeDependency = { name: string; version: string };

/** An installed set of external packages: its id (the push's `externalDepsId`) and its `node_modules`. */
export type InstalledPackages = { id: string; nodeModulesDir: string };

/** npm package names: optional scope, URL-safe characters, no leading dot or underscore (npm's own rule). */
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/i;
/** The CLI sends the version from the installed package.json: exact semver, never a range, tag or URL. */
const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** An install that takes longer than this is treated as hung. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;
/** The tail of npm's output kept in the push error. */
const ERROR_OUTPUT_CHARS = 4_000;

/**
 * npm settings inherited from a surrounding `npm run` that would change where
 * or what is installed (workspace selection, prefix, dry run, omissions).
 * Registry and auth settings stay: they are the user's, and installs need them.
 */
const INHERITED_NPM_SETTING =
  /^npm_(?:package_|lifecycle_|config_(?:workspaces?|include_workspace_root|prefix|local_prefix|global|dry_run|omit|include|production|only|also|package_lock(?:_only)?|save\w*|ignore_scripts|install_strategy|install_links|global_style|legacy_bundling)$)/i;

/**
 * The external packages of Node actions, installed from the npm registry the
 * way Convex installs them at push: each distinct set of `nodeDependencies`
 * once, into `<root>/<id>/node_modules`, where `<id>` is a hash of the set.
 * An unchanged set is never reinstalled (the directory is only renamed into
 * place after a successful install), concurrent pushes of one set share one
 * install, and pushed module directories reach the packages through a
 * `node_modules` link ({@link linkNodeModules}).
 *
 * @example
 * ```ts
 * const packages = new ExternalPackages("/data/external-packages");
 * const installed = await packages.ensure([{ name: "is-odd", version: "3.0.1" }]);
 * if (installed) await linkNodeModules("/data/modules/v3", installed.nodeModulesDir);
 * ```
 */
export class ExternalPackages {
  private readonly root: string;
  private readonly installing = new Map<string, Promise<InstalledPackages>>();

  constructor(root: string) {
    this.root = root;
  }

  /**
   * Installs `dependencies` unless that exact set is installed already.
   * Resolves to null for an empty set (nothing to link).
   *
   * @throws CodedError `InvalidExternalModules` for a malformed dependency or a failed install.
   */
  async ensure(dependencies: unknown): Promise<InstalledPackages | null> {
    const set = checkNodeDependencies(dependencies);
    if (set.length === 0) return null;
    const id = nodeDependenciesId(set);
    let pending = this.installing.get(id);
    if (!pending) {
      pending = this.installOnce(id, set).finally(() => this.installing.delete(id));
      this.installing.set(id, pending);
    }
    return await pending;
  }

  /** The `node_modules` directory of an installed set (present or not). */
  nodeModulesDir(id: string): string {
    return path.join(this.root, id, "node_modules");
  }

  /** Deletes installed sets other than `keep` (and leftovers of interrupted installs), except those installing now. */
  async prune(keep: Iterable<string | null | undefined>): Promise<void> {
    const busy = [...this.installing.keys()];
    const kept = new Set([...keep, ...busy]);
    const entries = await readdir(this.root).catch(() => [] as string[]);
    await Promise.all(
      entries
        .filter((entry) => !kept.has(entry) && !busy.some((id) => entry.startsWith(`.tmp-${id}-`)))
        .map((entry) => rm(path.join(this.root, entry), { recursive: true, force: true })),
    );
  }

  private async installOnce(id: string, set: NodeDependency[]): Promise<InstalledPackages> {
    const installed = { id, nodeModulesDir: this.nodeModulesDir(id) };
    const finalDir = path.join(this.root, id);
    if (await exists(finalDir)) return installed;
    await mkdir(this.root, { recursive: true });
    const temporary = path.join(this.root, `.tmp-${id}-${randomBytes(4).toString("hex")}`);
    try {
      await mkdir(temporary, { recursive: true });
      const dependencies = Object.fromEntries(set.map((d) => [d.name, d.version]));
      await writeFile(
        path.join(temporary, "package.json"),
        `${JSON.stringify({ name: "convex-local-external-packages", private: true, dependencies }, null, 2)}\n`,
      );
      await runNpmInstall(temporary, set);
      await rename(temporary, finalDir).catch(async (error: NodeJS.ErrnoException) => {
        // Another convex-local on this data dir finished the same set first.
        if (!(await exists(finalDir))) throw error;
      });
      return installed;
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
  }
}

/**
 * Validates the push's `nodeDependencies` before any of it reaches npm's
 * command line: a name or version that is not a plain npm name or exact
 * version could otherwise select a local path, URL or option.
 *
 * @throws CodedError `InvalidExternalModules` naming the offending entry.
 * @example
 * ```ts
 * checkNodeDependencies([{ name: "is-odd", version: "3.0.1" }]); // the same list, sorted by name
 * checkNodeDependencies([{ name: "../x", version: "1.0.0" }]); // throws
 * ```
 */
export function checkNodeDependencies(dependencies: unknown): NodeDependency[] {
  if (dependencies === undefined || dependencies === null) return [];
  if (!Array.isArray(dependencies)) {
    throw new CodedError("InvalidExternalModules", "Expected nodeDependencies to be a list of { name, version }.");
  }
  const byName = new Map<string, NodeDependency>();
  for (const entry of dependencies as unknown[]) {
    const { name, version } = (entry ?? {}) as Partial<NodeDependency>;
    if (typeof name !== "string" || !PACKAGE_NAME.test(name) || name.length > 214) {
      throw new CodedError(
        "InvalidExternalModules",
        `External package name ${JSON.stringify(name)} is not a valid npm package name (convex.json node.externalPackages).`,
      );
    }
    if (typeof version !== "string" || !EXACT_VERSION.test(version)) {
      throw new CodedError(
        "InvalidExternalModules",
        `External package ${name} has version ${JSON.stringify(version)}; expected the exact version installed in the app (for example 1.2.3).`,
      );
    }
    const previous = byName.get(name);
    if (previous && previous.version !== version) {
      throw new CodedError(
        "InvalidExternalModules",
        `External package ${name} was listed at two versions (${previous.version}, ${version}).`,
      );
    }
    byName.set(name, { name, version });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The id of a dependency set: the same for the same packages at the same
 * versions in any order, so an unchanged set maps to its existing install.
 *
 * @example
 * ```ts
 * nodeDependenciesId([{ name: "is-odd", version: "3.0.1" }]); // "3f1c…" (16 hex digits)
 * ```
 */
export function nodeDependenciesId(set: NodeDependency[]): string {
  const canonical = JSON.stringify(checkNodeDependencies(set).map((d) => [d.name, d.version]));
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}

/**
 * Points `<dir>/node_modules` at an installed set, so Node's resolution of a
 * bare import in any module under `dir` finds the external packages first.
 * A junction on Windows, where directory symlinks need extra rights.
 *
 * @example
 * ```ts
 * await linkNodeModules("/data/staging/p1", installed.nodeModulesDir);
 * ```
 */
export async function linkNodeModules(dir: string, nodeModulesDir: string): Promise<void> {
  await symlink(nodeModulesDir, path.join(dir, "node_modules"), process.platform === "win32" ? "junction" : "dir");
}

function npmEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!INHERITED_NPM_SETTING.test(name)) env[name] = value;
  }
  return env;
}

/** `npm install` in `dir` with an explicit prefix, so npm never climbs to a surrounding project or workspace. */
function runNpmInstall(dir: string, set: NodeDependency[]): Promise<void> {
  const args = [
    "install",
    "--prefix",
    dir,
    "--omit=dev",
    "--no-package-lock",
    "--no-audit",
    "--no-fund",
    "--no-update-notifier",
    "--loglevel=error",
  ];
  const windows = process.platform === "win32";
  const child = spawn(windows ? "npm.cmd" : "npm", args, {
    cwd: dir,
    env: npmEnvironment(),
    stdio: ["ignore", "pipe", "pipe"],
    // npm.cmd only runs through a shell; every argument above is fixed or a path.
    shell: windows,
    windowsHide: true,
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-ERROR_OUTPUT_CHARS);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const listed = set.map((d) => `${d.name}@${d.version}`).join(", ");
  const failure = (detail: string) =>
    new CodedError(
      "InvalidExternalModules",
      `Loading the pushed modules encountered the following error:\nInstalling the external packages of Node actions (${listed}) from the npm registry failed: ${detail}`,
    );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(failure(`npm install took longer than ${INSTALL_TIMEOUT_MS / 60_000} minutes.`));
    }, INSTALL_TIMEOUT_MS);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(failure(`npm could not be started (${error.message}). Is npm on the PATH?`));
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(failure(`npm install exited with ${signal ?? `code ${code}`}:\n${output.trim()}`));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return await access(file).then(
    () => true,
    () => false,
  );
}
