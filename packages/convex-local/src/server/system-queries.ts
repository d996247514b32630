import type { DeployService } from "../deploy/deploy-service.ts";
import type { EvaluatedComponentDefinition } from "../deploy/push-types.ts";

/** Outcome of a system query, shaped like a function result. */
export type SystemQueryResult = { ok: true; value: unknown } | { ok: false; errorMessage: string };

/**
 * The `_system/cli/*` queries the Convex CLI runs over the sync socket:
 * env var listing (`env list` / `env get`), the function list `run` prints
 * when a function is missing, the cloud URL and table sizes. All of them
 * need an admin identity; the caller checks that.
 *
 * @example
 * ```ts
 * const queries = new SystemQueries({ deploy, cloudUrl });
 * queries.run("_system/cli/queryEnvironmentVariables:get", { name: "FOO" }, "");
 * ```
 */
export class SystemQueries {
  private readonly deploy: DeployService;
  private readonly cloudUrl: string;

  constructor(options: { deploy: DeployService; cloudUrl: string }) {
    this.deploy = options.deploy;
    this.cloudUrl = options.cloudUrl;
  }

  /** Whether `udfPath` names a system function (handled here, never by the engine). */
  static isSystemPath(udfPath: string): boolean {
    return udfPath.startsWith("_system/");
  }

  run(udfPath: string, args: Record<string, unknown>, componentPath: string): SystemQueryResult {
    switch (udfPath) {
      case "_system/cli/queryEnvironmentVariables:default": {
        const vars = this.deploy.environmentVariables();
        return { ok: true, value: Object.keys(vars).sort().map((name) => ({ name, value: vars[name] })) };
      }
      case "_system/cli/queryEnvironmentVariables:get": {
        const vars = this.deploy.environmentVariables();
        const name = args.name;
        return { ok: true, value: typeof name === "string" && Object.hasOwn(vars, name) ? { name, value: vars[name] } : null };
      }
      case "_system/cli/modules:apiSpec":
        return { ok: true, value: this.apiSpec(typeof args.componentPath === "string" ? args.componentPath : componentPath) };
      case "_system/cli/convexUrl:cloudUrl":
        return { ok: true, value: this.cloudUrl };
      case "_system/cli/tableSize:default":
        // Document counts live in the engine, which the contract does not
        // expose; 0 means the CLI's large-index-deletion check never blocks.
        return { ok: true, value: 0 };
      default:
        return { ok: false, errorMessage: `Could not find system function '${udfPath}' in convex-local.` };
    }
  }

  /** Every function of one component instance, plus its HTTP routes, as `apiSpec` lists them. */
  private apiSpec(componentPath: string): unknown[] {
    const state = this.deploy.deployed();
    const instance = state?.instances.find((i) => i.componentPath === componentPath);
    if (!state || !instance) return [];
    const evaluated: EvaluatedComponentDefinition = state.analysis[instance.definitionPath];
    const out: unknown[] = [];
    for (const [modulePath, analyzed] of Object.entries(evaluated.functions).sort(([a], [b]) => a.localeCompare(b))) {
      for (const fn of analyzed.functions) {
        out.push({
          identifier: `${modulePath}:${fn.name}`,
          functionType: fn.udfType,
          visibility: fn.visibility ?? { kind: "public" },
          args: parseValidator(fn.args),
          returns: parseValidator(fn.returns),
        });
      }
      for (const { route } of analyzed.httpRoutes ?? []) {
        out.push({ functionType: "HttpAction", method: route.method, path: route.path });
      }
    }
    return out;
  }
}

function parseValidator(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
