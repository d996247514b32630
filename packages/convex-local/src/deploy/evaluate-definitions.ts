import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AnalysisDefinition } from "./analysis-types.ts";
import type { ComponentDefinitionMetadata } from "./push-types.ts";
import { CodedError, isCodedError } from "./coded-error.ts";
import { importUserModule } from "./import-user-module.ts";

/** The root's metadata when the app has no `convex.config.ts`. */
const DEFAULT_APP: Omit<ComponentDefinitionMetadata, "path"> = {
  definitionType: { type: "app" },
  childComponents: [],
  httpMounts: {},
  exports: { type: "branch", branch: [] },
};

/**
 * Evaluates every `convex.config.js` of a push, children first (post-order
 * DFS over the dependency edges the CLI sent). A definition bundle imports
 * each child as `./_componentDeps/<base64url(childPath)>`; before importing a
 * parent we write those files as small ES modules that carry the child's
 * evaluated metadata, its definition path and its default name, which is all
 * `app.use()` reads at evaluation time.
 *
 * @example
 * ```ts
 * const metadata = await evaluateDefinitions(definitions, (env) => setEnv(env));
 * metadata.get("")!.childComponents; // [{ name: "betterAuth", path: "../node_modules/…/component", … }]
 * ```
 */
export async function evaluateDefinitions(
  definitions: AnalysisDefinition[],
  useEnv: (scope: "root" | "component") => void,
): Promise<Map<string, ComponentDefinitionMetadata>> {
  const byPath = new Map(definitions.map((d) => [d.definitionPath, d]));
  const evaluated = new Map<string, ComponentDefinitionMetadata>();
  const visiting: string[] = [];

  const visit = async (definitionPath: string): Promise<void> => {
    if (evaluated.has(definitionPath)) return;
    if (visiting.includes(definitionPath)) {
      const cycle = [...visiting.slice(visiting.indexOf(definitionPath)), definitionPath];
      throw new CodedError(
        "CyclicImport",
        `Found a cycle in the component definitions: ${cycle.map(label).join(" -> ")}`,
      );
    }
    const definition = byPath.get(definitionPath);
    if (!definition) {
      throw new CodedError(
        "InvalidDefinition",
        `Component definition ${label(definitionPath)} was used but not pushed.`,
      );
    }
    visiting.push(definitionPath);
    for (const child of definition.dependencies) await visit(child);
    visiting.pop();
    evaluated.set(definitionPath, await evaluateOne(definition, evaluated, useEnv));
  };

  await visit("");
  for (const definition of definitions) await visit(definition.definitionPath);
  return evaluated;
}

async function evaluateOne(
  definition: AnalysisDefinition,
  evaluated: Map<string, ComponentDefinitionMetadata>,
  useEnv: (scope: "root" | "component") => void,
): Promise<ComponentDefinitionMetadata> {
  const isRoot = definition.definitionPath === "";
  if (definition.configDir === null) {
    if (!isRoot)
      throw new CodedError(
        "InvalidDefinition",
        `Component ${label(definition.definitionPath)} has no convex.config.js.`,
      );
    return { path: "", ...structuredClone(DEFAULT_APP) };
  }
  await writeChildStubs(definition, evaluated);
  useEnv(isRoot ? "root" : "component");
  let namespace: Record<string, unknown>;
  try {
    namespace = await importUserModule(definition.configDir, "convex.config.js");
  } catch (error) {
    if (isCodedError(error))
      throw new CodedError("InvalidConvexConfig", error.message.replace("convex.config.js", configLabel(definition)));
    throw error;
  }
  const names = Object.keys(namespace);
  const exported = namespace.default as { export?: () => Omit<ComponentDefinitionMetadata, "path"> } | undefined;
  if (names.length !== 1 || !exported || typeof exported.export !== "function") {
    throw new CodedError(
      "InvalidDefinition",
      `${configLabel(definition)} must have exactly one export, a default export made with \`${isRoot ? "defineApp()" : "defineComponent()"}\`.`,
    );
  }
  let metadata: Omit<ComponentDefinitionMetadata, "path">;
  try {
    metadata = exported.export();
  } catch (error) {
    throw new CodedError(
      "InvalidDefinition",
      `Failed to evaluate ${configLabel(definition)}: ${(error as Error).message}`,
    );
  }
  const expected = isRoot ? "app" : "childComponent";
  if (metadata.definitionType?.type !== expected) {
    throw new CodedError(
      "InvalidDefinition",
      isRoot
        ? "convex/convex.config.ts must export the result of `defineApp()`."
        : `${configLabel(definition)} must export the result of \`defineComponent()\`, not \`defineApp()\`.`,
    );
  }
  // JSON round trip: the metadata must be plain data to reach the main thread.
  return { ...JSON.parse(JSON.stringify(metadata)), path: definition.definitionPath } as ComponentDefinitionMetadata;
}

async function writeChildStubs(
  definition: AnalysisDefinition,
  evaluated: Map<string, ComponentDefinitionMetadata>,
): Promise<void> {
  if (definition.dependencies.length === 0) return;
  const dir = path.join(definition.configDir!, "_componentDeps");
  await mkdir(dir, { recursive: true });
  for (const child of definition.dependencies) {
    const metadata = evaluated.get(child)!;
    const defaultName = metadata.definitionType.type === "childComponent" ? metadata.definitionType.name : undefined;
    const source =
      `const metadata = ${JSON.stringify(metadata)};\n` +
      `export default { export: () => metadata, componentDefinitionPath: ${JSON.stringify(child)}, defaultName: ${JSON.stringify(defaultName)} };\n`;
    // Extensionless on purpose: the bundle imports `./_componentDeps/<b64url>`
    // and Node loads it as ESM because of the directory's package.json.
    await writeFile(path.join(dir, Buffer.from(child).toString("base64url")), source);
  }
}

function label(definitionPath: string): string {
  return definitionPath === "" ? "the app" : `"${definitionPath}"`;
}

function configLabel(definition: AnalysisDefinition): string {
  return definition.definitionPath === "" ? "convex/convex.config.ts" : `${definition.definitionPath}/convex.config.js`;
}
