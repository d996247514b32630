import type { AnalyzedModule, ComponentExports } from "./push-types.ts";
import { CodedError } from "./coded-error.ts";

type Tree = Map<string, Tree | string>;

/**
 * A child component's exports as the real backend derives them from its
 * files: one leaf `_reference/function/<module>:<name>` per public function,
 * nested by module path segments, keys sorted. The CLI generates the
 * component's `_generated/component.ts` from this.
 *
 * @example
 * ```ts
 * fileBasedExports({ "lib.js": { functions: [{ name: "get", visibility: { kind: "public" }, … }], … } });
 * // { type: "branch", branch: [["lib", { type: "branch", branch: [["get", { type: "leaf", leaf: "_reference/function/lib:get" }]] }]] }
 * ```
 */
export function fileBasedExports(functions: Record<string, AnalyzedModule>): {
  type: "branch";
  branch: [string, ComponentExports][];
} {
  const root: Tree = new Map();
  for (const [modulePath, analyzed] of Object.entries(functions)) {
    const moduleName = modulePath.replace(/\.js$/, "");
    for (const fn of analyzed.functions) {
      if (fn.visibility?.kind !== "public") continue;
      const segments = [...moduleName.split("/"), fn.name];
      let node = root;
      for (const segment of segments.slice(0, -1)) {
        const next = node.get(segment);
        if (typeof next === "string") throw collision(moduleName, fn.name);
        if (next) {
          node = next;
        } else {
          const created: Tree = new Map();
          node.set(segment, created);
          node = created;
        }
      }
      const leafName = segments[segments.length - 1];
      if (node.has(leafName)) throw collision(moduleName, fn.name);
      node.set(leafName, `_reference/function/${moduleName}:${fn.name}`);
    }
  }
  return serialize(root);
}

function serialize(tree: Tree): { type: "branch"; branch: [string, ComponentExports][] } {
  const keys = [...tree.keys()].sort();
  return {
    type: "branch",
    branch: keys.map((key) => {
      const node = tree.get(key)!;
      return [key, typeof node === "string" ? { type: "leaf", leaf: node } : serialize(node)];
    }),
  };
}

function collision(moduleName: string, name: string): CodedError {
  return new CodedError(
    "InvalidExport",
    `The export ${moduleName}:${name} collides with another module or export of the same name.`,
  );
}
