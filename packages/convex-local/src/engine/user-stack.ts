/**
 * Stack frames of errors from user code, the way the backend prints them:
 * only frames in the app's pushed modules, each mapped through the source
 * map the CLI pushed with it (`    at handler (../convex/messages.ts:12:9)`),
 * never the temporary `file:///…/modules/<version>/…js?v=…` paths the engine
 * imports from, and without the leading and trailing frames of Convex's own
 * function wrapper (`convex/src/server/impl`), as the backend omits them.
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Directories of pushed modules (with a `.map` beside each file), process-wide. */
const modulesDirs = new Set<string>();
const sourceMaps = new Map<string, SourceMap | null>();

/** Frames inside Convex's own wrapper code, which the backend leaves out at either end. */
function isOmittable(source: string): boolean {
  return source.includes("udf-runtime/src") || source.includes("convex/src/server/impl");
}

/**
 * Marks `dir` as holding pushed modules: frames in its files are the user's.
 *
 * @example
 * registerModulesDir("/data/modules/v3/0");
 */
export function registerModulesDir(dir: string): void {
  modulesDirs.add(path.resolve(dir) + path.sep);
}

function sourceMapOf(file: string): SourceMap | null {
  let map = sourceMaps.get(file);
  if (map === undefined) {
    map = null;
    if ([...modulesDirs].some((dir) => file.startsWith(dir)) && existsSync(`${file}.map`)) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
      } catch {
        map = null;
      }
    }
    sourceMaps.set(file, map);
  }
  return map;
}

/** A file location of a stack line (`file:///…/x.js?v=1:12:9`), as a path and 1-based position. */
function parseLocation(location: string): { file: string; line: number; column: number } | null {
  const match = /^(.*):(\d+):(\d+)$/.exec(location);
  if (match === null || !match[1]!.startsWith("file://")) return null;
  try {
    return { file: fileURLToPath(match[1]!.replace(/\?[^/]*$/, "")), line: Number(match[2]), column: Number(match[3]) };
  } catch {
    return null;
  }
}

/** The function part as the backend prints it: V8's `Type.fn` becomes `fn`. */
function functionLabel(label: string): string {
  const method = /^(async )?(?!new )[\w$]+\.([^\s.][^\s]*)( \[as [^\]]+\])?$/.exec(label);
  return method === null ? label : `${method[1] ?? ""}${method[2]}${method[3] ?? ""}`;
}

/**
 * The backend's frame lines (`    at …`) of `error`'s stack: user frames,
 * source-mapped. Empty when the error has no stack in pushed code.
 *
 * @example
 * userFrames(error); // ["    at handler (../convex/messages.ts:12:9)"]
 */
export function userFrames(error: unknown): string[] {
  const stack = error instanceof Error && typeof error.stack === "string" ? error.stack : "";
  const mapped: { line: string; source: string }[] = [];
  for (const text of stack.split("\n")) {
    const frame = /^\s+at (?:(.*) \((.*)\)|(.*))$/.exec(text);
    if (frame === null) continue;
    const label = frame[1] ?? null;
    const location = parseLocation(frame[2] ?? frame[3] ?? "");
    if (location === null) continue;
    const entry = sourceMapOf(location.file)?.findEntry(location.line - 1, location.column - 1);
    if (entry === undefined || !("originalSource" in entry)) continue;
    const place = `${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    mapped.push({
      line: label === null ? `    at ${place}` : `    at ${functionLabel(label)} (${place})`,
      source: entry.originalSource,
    });
  }
  while (mapped.length > 0 && isOmittable(mapped[0]!.source)) mapped.shift();
  while (mapped.length > 0 && isOmittable(mapped.at(-1)!.source)) mapped.pop();
  return mapped.map((frame) => frame.line);
}

/**
 * `message` followed by the frame lines, each on its own line, as the
 * backend's `JsError` prints itself (no trailing newline without frames).
 *
 * @example
 * withFrames("Uncaught Error: boom", error); // "Uncaught Error: boom\n    at handler (../convex/a.ts:3:9)\n"
 */
export function withFrames(message: string, error: unknown): string {
  const frames = userFrames(error);
  return frames.length === 0 ? message : `${message}\n${frames.map((frame) => `${frame}\n`).join("")}`;
}
