/**
 * Finds the function a request names and checks it may be called the way it
 * is: exists, has the expected type, is public unless the caller is an admin.
 * Failures carry the Convex backend's messages, which depend on the route
 * like there: the public routes (clients, `/api/query|mutation|action`, a
 * request with an `expectedType`) say "Could not find public function for
 * 'mod:fn'." for a missing and an internal function alike, so as not to
 * reveal which internal functions exist; `/api/function` (the CLI's `run`)
 * says "Could not find function for … Did you forget to run `npx convex
 * dev`?" (the CLI looks for "Could not find function" to list the functions).
 */
import type { LoadedComponent } from "./deployment-modules.ts";
import type { RunRequest } from "./types.ts";

/** A function that may be run. */
export type ResolvedFunction = {
  /** `module:export` with the module path without extension. */
  udfPath: string;
  type: "query" | "mutation" | "action";
};

/** Thrown for a request that can't run; its message is the user-facing error. */
export class FunctionResolutionError extends Error {
  name = "FunctionResolutionError";
}

const TYPE_LABELS = { query: "Query", mutation: "Mutation", action: "Action" } as const;

function functionType(value: unknown): ResolvedFunction["type"] | null {
  if (typeof value !== "function" && (typeof value !== "object" || value === null)) return null;
  const flags = value as { isQuery?: unknown; isMutation?: unknown; isAction?: unknown };
  if (flags.isQuery === true) return "query";
  if (flags.isMutation === true) return "mutation";
  if (flags.isAction === true) return "action";
  return null;
}

/**
 * Splits `mod:fn` (`mod` alone means its default export; a `.js` suffix is ignored).
 *
 * @example
 * parseUdfPath("dir/file.js:fn"); // { modulePath: "dir/file", exportName: "fn" }
 */
export function parseUdfPath(udfPath: string): { modulePath: string; exportName: string } {
  const colon = udfPath.lastIndexOf(":");
  const modulePart = colon === -1 ? udfPath : udfPath.slice(0, colon);
  const exportName = colon === -1 ? "default" : udfPath.slice(colon + 1);
  return { modulePath: modulePart.replace(/\.[cm]?[jt]s$/, ""), exportName };
}

/**
 * Resolves `request` against a component of the current deployment, or throws
 * a {@link FunctionResolutionError}.
 *
 * @example
 * const fn = await resolveFunction(root, { componentPath: "", udfPath: "messages:list", args: {}, caller: { kind: "anonymous" } });
 * fn.type; // "query"
 */
export async function resolveFunction(
  component: LoadedComponent | undefined,
  request: RunRequest,
): Promise<ResolvedFunction> {
  const { modulePath, exportName } = parseUdfPath(request.udfPath);
  const udfPath = `${modulePath}:${exportName}`;
  const isAdmin = request.caller.kind === "admin";
  const inComponent = request.componentPath === "" ? "" : ` in '${request.componentPath}'`;
  const missing = () =>
    new FunctionResolutionError(
      request.expectedType === undefined
        ? `Could not find function for '${udfPath}'${inComponent}. Did you forget to run \`npx convex dev\`?`
        : `Could not find public function for '${udfPath}'${inComponent}.`,
    );

  // Only admins may call into a component directly; to everyone else its functions don't exist.
  if (component !== undefined && request.componentPath !== "" && !isAdmin) throw missing();
  const loading = component?.load(modulePath) ?? null;
  if (loading === null) throw missing();
  const module = await loading;
  const exported = module[exportName];
  const type = functionType(exported);
  if (type === null) throw missing();
  const isPublic = (exported as { isPublic?: unknown }).isPublic === true;
  if (!isPublic && !isAdmin) throw missing();
  if (request.expectedType !== undefined && request.expectedType !== type) {
    throw new FunctionResolutionError(
      `Trying to execute ${udfPath}${inComponent} as ${TYPE_LABELS[request.expectedType]}, but it is defined as ${TYPE_LABELS[type]}.`,
    );
  }
  return { udfPath, type };
}
