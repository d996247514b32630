import { jsonToConvex } from "convex/values";
import type { DeployService } from "../deploy/deploy-service.ts";
import type { EvaluatedComponentDefinition } from "../deploy/push-types.ts";
import type { AdminData } from "../engine/admin-data.ts";
import type { SnapshotService } from "./snapshot-service.ts";
import { tableDataPage, tablesPage } from "./table-pages.ts";

/**
 * Outcome of a system query, shaped like a function result. `readTables`
 * are the tables whose writes change the result (a subscription re-runs on
 * them); other system results change only with pushes and env vars.
 */
export type SystemQueryResult =
  | { ok: true; value: unknown; readTables?: { componentPath: string; tableName: string }[] }
  | { ok: false; errorMessage: string };

/**
 * The `_system/*` queries the Convex CLI runs (over the sync socket, and
 * `queryImport:list` over `/api/query`): env var listing (`env list` /
 * `env get`), the function list of `run` and `function-spec`, the cloud URL,
 * table sizes, the tables and documents of `data`, the progress of `export`
 * and `import`, and the component list. All of them need an admin identity;
 * the caller checks that.
 *
 * @example
 * ```ts
 * const queries = new SystemQueries({ deploy, cloudUrl, data: engine.adminData, snapshots });
 * queries.run("_system/cli/queryEnvironmentVariables:get", { name: "FOO" }, "");
 * ```
 */
export class SystemQueries {
  private readonly deploy: DeployService;
  private readonly cloudUrl: string;
  private readonly data: AdminData | null;
  private readonly snapshots: SnapshotService | null;

  constructor(options: {
    deploy: DeployService;
    cloudUrl: string;
    data?: AdminData | null;
    snapshots?: SnapshotService | null;
  }) {
    this.deploy = options.deploy;
    this.cloudUrl = options.cloudUrl;
    this.data = options.data ?? null;
    this.snapshots = options.snapshots ?? null;
  }

  /** Whether `udfPath` names a system function (handled here, never by the engine). */
  static isSystemPath(udfPath: string): boolean {
    return udfPath.startsWith("_system/");
  }

  run(udfPath: string, args: Record<string, unknown>, componentPath: string): SystemQueryResult {
    try {
      return this.runOrThrow(udfPath, args, componentPath);
    } catch (error) {
      return { ok: false, errorMessage: (error as Error)?.message ?? String(error) };
    }
  }

  private runOrThrow(udfPath: string, args: Record<string, unknown>, componentPath: string): SystemQueryResult {
    switch (udfPath) {
      case "_system/cli/queryEnvironmentVariables:default": {
        const vars = this.deploy.environmentVariables();
        return {
          ok: true,
          value: Object.keys(vars)
            .sort()
            .map((name) => ({ name, value: vars[name] })),
        };
      }
      case "_system/cli/queryEnvironmentVariables:get": {
        const vars = this.deploy.environmentVariables();
        const name = args.name;
        return {
          ok: true,
          value: typeof name === "string" && Object.hasOwn(vars, name) ? { name, value: vars[name] } : null,
        };
      }
      case "_system/cli/modules:apiSpec":
        return {
          ok: true,
          value: this.apiSpec(typeof args.componentPath === "string" ? args.componentPath : componentPath),
        };
      case "_system/cli/convexUrl:cloudUrl":
        return { ok: true, value: this.cloudUrl };
      case "_system/cli/tableSize:default":
        // Without the engine's data (a custom engine), 0 means the CLI's large-index-deletion check never blocks.
        return {
          ok: true,
          value:
            typeof args.tableName === "string" ? (this.data?.documents(componentPath, args.tableName).length ?? 0) : 0,
        };
      case "_system/cli/tables:default":
        return { ok: true, value: tablesPage(this.requireData(), componentPath, args) };
      case "_system/cli/tableData:default":
        return {
          ok: true,
          value: tableDataPage(this.requireData(), componentPath, args),
          readTables: [{ componentPath, tableName: String(args.table) }],
        };
      case "_system/cli/queryTable:default": {
        // `npx convex dev` watches the table whose documents failed schema validation and pushes
        // again when it changes: a new value on every change of that table, as the backend answers.
        if (typeof args.tableName !== "string")
          throw new Error("ArgumentValidationError: `tableName` must be a string.");
        return { ok: true, value: Math.random(), readTables: [{ componentPath, tableName: args.tableName }] };
      }
      case "_system/cli/exports:getLatest":
        return { ok: true, value: this.snapshots?.latestExport() ?? null };
      case "_system/cli/queryImport:default":
        return { ok: true, value: this.snapshots?.importDocument(args.importId) ?? null };
      case "_system/cli/queryImport:list":
        return { ok: true, value: this.snapshots?.listImports() ?? [] };
      case "_system/frontend/components:list":
        return { ok: true, value: this.components() };
      default:
        return { ok: false, errorMessage: `Could not find system function '${udfPath}' in convex-local.` };
    }
  }

  private requireData(): AdminData {
    if (this.data === null) throw new Error("This convex-local engine does not expose its data to the CLI.");
    return this.data;
  }

  /** The mounted components as the dashboard lists them (`_system/frontend/components:list`). */
  private components(): unknown[] {
    return (this.deploy.deployed()?.instances ?? []).map(({ componentPath }) => ({
      id: `component:${componentPath}`,
      ...(componentPath === "" ? {} : { name: componentPath.split("/").at(-1)! }),
      path: componentPath,
      args: {},
      state: "active",
      httpPrefix: null,
    }));
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

/** A function's args or returns validator; one without a validator has `{type: "any"}`, as the backend lists it. */
function parseValidator(text: string | null): unknown {
  if (text === null) return { type: "any" };
  try {
    // Validator JSON is Convex JSON (a `v.literal(1n)` holds `{"$integer": …}`).
    // Functions export `null` for "no validator".
    return jsonToConvex(JSON.parse(text)) ?? { type: "any" };
  } catch {
    return text;
  }
}
