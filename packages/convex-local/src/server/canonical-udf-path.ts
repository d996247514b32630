import { CodedError } from "../deploy/coded-error.ts";

/**
 * Canonicalises a function path the way Convex clients do: `mod` →
 * `mod:default`, a trailing `.js` on the module is dropped.
 *
 * @example
 * ```ts
 * canonicalUdfPath("messages.js:list"); // "messages:list"
 * canonicalUdfPath("dir/file"); // "dir/file:default"
 * ```
 */
export function canonicalUdfPath(path: unknown): string {
  if (typeof path !== "string" || path.length === 0) {
    throw new CodedError(
      "BadConvexFunctionIdentifier",
      `${JSON.stringify(path)} is not a valid path to a Convex function.`,
    );
  }
  const colon = path.lastIndexOf(":");
  const modulePath = colon === -1 ? path : path.slice(0, colon);
  const name = colon === -1 ? "default" : path.slice(colon + 1);
  if (modulePath.length === 0 || name.length === 0) {
    throw new CodedError(
      "BadConvexFunctionIdentifier",
      `${path} is not a valid path to a Convex function. Use the form "module:function", e.g. "messages:list".`,
    );
  }
  return `${modulePath.replace(/\.js$/, "")}:${name}`;
}
