import type { CheckedComponent, CheckedExport, ComponentExports, EvaluatedComponentDefinition } from "./push-types.ts";
import { CodedError } from "./coded-error.ts";

/** One mounted component instance: where it lives in the tree and which definition it runs. */
export type ComponentInstance = { componentPath: string; definitionPath: string };

/** Deeper trees than this can only come from a bug; cycles are rejected earlier. */
const MAX_DEPTH = 32;

/**
 * Instantiates the component tree from the root definition: every
 * `app.use()` becomes a child instance at `parent/name`. Returns the
 * `CheckedComponent` tree the CLI echoes back, and the flat instance list the
 * deploy side turns into `ComponentDeployment`s.
 *
 * @example
 * ```ts
 * const { app, instances } = buildCheckedApp(analysis);
 * instances; // [{ componentPath: "", definitionPath: "" }, { componentPath: "betterAuth", definitionPath: "../node_modules/…" }]
 * ```
 */
export function buildCheckedApp(analysis: Record<string, EvaluatedComponentDefinition>): {
  app: CheckedComponent;
  instances: ComponentInstance[];
} {
  const instances: ComponentInstance[] = [];
  const instantiate = (definitionPath: string, componentPath: string, depth: number): CheckedComponent => {
    if (depth > MAX_DEPTH)
      throw new CodedError("InvalidDefinition", `Components are nested more than ${MAX_DEPTH} levels deep.`);
    const evaluated = analysis[definitionPath];
    if (!evaluated)
      throw new CodedError("InvalidDefinition", `Component definition "${definitionPath}" was used but not pushed.`);
    instances.push({ componentPath, definitionPath });
    const childComponents: Record<string, CheckedComponent> = {};
    for (const child of evaluated.definition.childComponents) {
      if (Object.hasOwn(childComponents, child.name)) {
        throw new CodedError(
          "InvalidDefinition",
          `Two components are installed with the name "${child.name}"${componentPath ? ` in "${componentPath}"` : ""}; pass a distinct \`name\` to \`use()\`.`,
        );
      }
      childComponents[child.name] = instantiate(
        child.path,
        componentPath ? `${componentPath}/${child.name}` : child.name,
        depth + 1,
      );
    }
    const http = evaluated.functions["http.js"];
    return {
      definitionPath,
      componentPath,
      args: {},
      childComponents,
      httpRoutes: {
        httpModuleRoutes: http?.httpRoutes ? http.httpRoutes.map((r) => r.route) : null,
        mounts: Object.keys(evaluated.definition.httpMounts),
      },
      exports: componentPath === "" ? {} : resolveExports(evaluated.definition.exports.branch, componentPath),
    };
  };
  const app = instantiate("", "", 0);
  return { app, instances };
}

function resolveExports(branch: [string, ComponentExports][], componentPath: string): Record<string, CheckedExport> {
  const out: Record<string, CheckedExport> = {};
  for (const [key, node] of branch) {
    if (node.type === "branch") {
      out[key] = { type: "branch", children: resolveExports(node.branch, componentPath) };
    } else if (node.leaf.startsWith("_reference/function/")) {
      out[key] = {
        type: "leaf",
        resource: {
          type: "function",
          path: { component: componentPath, udfPath: node.leaf.slice("_reference/function/".length) },
        },
      };
    }
  }
  return out;
}
