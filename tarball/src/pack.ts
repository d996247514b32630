/**
 * `npm pack` of a workspace package (its `dist/` must be built: `npm run
 * build` at the root, which `npm test` runs first), and what a published
 * tarball must and must not hold.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { run } from "./run.ts";

export type PackageManifest = {
  name: string;
  version: string;
  license?: string;
  engines?: Record<string, string>;
  exports?: unknown;
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

export type Packed = {
  name: string;
  version: string;
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside the package (no `package/` prefix). */
  files: string[];
  /** The package.json inside the tarball. */
  manifest: PackageManifest;
  /** The LICENSE inside the tarball. */
  license: string;
};

const PACK_TIMEOUT_MS = 60_000;

/** One file of a tarball, read with `tar` (paths inside start with `package/`). */
async function readTarballFile(tarball: string, path: string, cwd: string): Promise<string> {
  const { stdout } = await run("tar", ["-xOzf", tarball, `package/${path}`], { cwd, timeoutMs: 30_000 });
  return stdout;
}

/**
 * Packs `packageDir` into `destination` without lifecycle scripts (the
 * caller built `dist/` already).
 *
 * @example
 * const packed = await packPackage(LIBRARY_DIR, tmpDir);
 */
export async function packPackage(packageDir: string, destination: string): Promise<Packed> {
  if (!existsSync(join(packageDir, "dist")))
    throw new Error(`${packageDir}/dist is missing: run \`npm run build\` at the repository root first`);
  const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", destination], {
    cwd: packageDir,
    timeoutMs: PACK_TIMEOUT_MS,
  });
  const [entry] = JSON.parse(stdout) as {
    name: string;
    version: string;
    filename: string;
    files: { path: string }[];
  }[];
  if (entry === undefined) throw new Error(`npm pack in ${packageDir} printed no package:\n${stdout}`);
  const tarball = join(destination, entry.filename);
  const manifest = JSON.parse(await readTarballFile(tarball, "package.json", destination)) as PackageManifest;
  const files = entry.files.map((file) => file.path).sort();
  const license = files.includes("LICENSE") ? await readTarballFile(tarball, "LICENSE", destination) : "";
  return { name: entry.name, version: entry.version, tarball, files, manifest, license };
}

/** Every file path an `exports` map or `bin` names (all conditions). */
function entryFiles(manifest: PackageManifest): string[] {
  const found: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === "string") found.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  return found.map((path) => path.replace(/^\.\//, ""));
}

/** Files a tarball must not hold: tests, test helpers and fixtures, scratch and tool config. */
const FORBIDDEN: [RegExp, string][] = [
  [/\.(test|spec)(-d)?\.[cm]?[jt]sx?(\.map)?$/, "test file"],
  [/\.type-test\./, "type test"],
  [/(^|\/)test-utils\//, "test helper"],
  [/(^|\/)test-fixtures\//, "test fixture"],
  [/(^|\/)\.tmp\//, "scratch file"],
  [/(^|\/)node_modules\//, "node_modules"],
  [/^(tsconfig[^/]*\.json|vitest\.config\.[jt]s)$/, "build or test config"],
];

const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * Everything wrong with a packed package, one line each (empty when it is
 * publishable): documents, entry points, built code with types, no tests or
 * fixtures, exact dependencies, range peers, engines, license.
 *
 * @example
 * assert.deepEqual(tarballProblems(packed), []);
 */
export function tarballProblems(packed: Packed): string[] {
  const problems: string[] = [];
  const files = new Set(packed.files);
  const { manifest } = packed;
  for (const required of ["package.json", "README.md", "LICENSE", "CHANGELOG.md"]) {
    if (!files.has(required)) problems.push(`missing ${required}`);
  }
  for (const entry of entryFiles(manifest)) {
    if (!files.has(entry)) problems.push(`exports/bin names ${entry}, which is not in the tarball`);
  }
  for (const file of packed.files) {
    for (const [pattern, what] of FORBIDDEN) if (pattern.test(file)) problems.push(`ships a ${what}: ${file}`);
    if (/^dist\/.*\.js$/.test(file) && !files.has(file.replace(/\.js$/, ".d.ts")))
      problems.push(`${file} has no .d.ts next to it`);
    // Sources ship for source and declaration maps, so each must be a built module.
    const built = file.match(/^src\/(.*)\.tsx?$/);
    if (built && !files.has(`dist/${built[1]}.js`))
      problems.push(
        `${file} ships without dist/${built[1]}.js: a stale dist/ (run \`npm run build\`) or a test-only source \`files\` should leave out`,
      );
  }
  if (!packed.files.some((file) => /^dist\/.*\.js$/.test(file))) problems.push("no built JavaScript in dist/");
  if (manifest.license !== "Apache-2.0")
    problems.push(`license is ${JSON.stringify(manifest.license)}, expected "Apache-2.0"`);
  if (!/Apache License\s+Version 2\.0, January 2004/.test(packed.license))
    problems.push("LICENSE is not the Apache License 2.0 text");
  if (typeof manifest.engines?.node !== "string") problems.push("engines.node is not set");
  for (const [name, version] of Object.entries(manifest.dependencies ?? {})) {
    if (!EXACT_VERSION.test(version)) problems.push(`dependency ${name} is ${version}, not an exact version`);
  }
  for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
    if (EXACT_VERSION.test(range))
      problems.push(`peer ${name} is pinned to ${range}; peers must be ranges users can meet`);
  }
  return problems;
}

/** The package a bare specifier names (`@scope/name` or `name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/**
 * Bare specifiers the tarball's declaration files import (`import … from`,
 * `import("…")`, `export … from`) that name a package the manifest does not
 * declare (dependencies or peers). Under strict installs (pnpm, Yarn PnP)
 * such a type resolves to `any` or fails, e.g. `better-call`, which only
 * better-auth depends on.
 *
 * @example
 * assert.deepEqual(await undeclaredTypeImports(packed), []);
 */
export async function undeclaredTypeImports(packed: Packed): Promise<string[]> {
  const declared = new Set([
    packed.manifest.name,
    ...Object.keys(packed.manifest.dependencies ?? {}),
    ...Object.keys(packed.manifest.peerDependencies ?? {}),
  ]);
  const declarationFiles = packed.files.filter((file) => file.endsWith(".d.ts"));
  const found: string[] = [];
  const specifierPattern = /(?:from\s+|import\(\s*)["']([^"']+)["']/g;
  for (const file of declarationFiles) {
    // TSDoc examples mention packages the code does not import.
    const text = (await readTarballFile(packed.tarball, file, dirname(packed.tarball)))
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    for (const [, specifier] of text.matchAll(specifierPattern)) {
      if (specifier === undefined || specifier.startsWith(".") || specifier.startsWith("node:")) continue;
      if (!declared.has(packageOf(specifier))) found.push(`${file} imports "${specifier}"`);
    }
  }
  return [...new Set(found)];
}
