/**
 * Shapes of the Convex CLI's private deploy API (convex 1.49.0, self-hosted
 * mode), as far as convex-local reads or writes them. The CLI parses every
 * response with passthrough zod objects, so extra fields are allowed; the
 * ones marked "echo" are only sent back to us in later calls.
 */

/** One bundled module as the CLI sends it. */
export type ModuleConfig = {
  path: string;
  source: string;
  sourceMap?: string;
  environment: "isolate" | "node";
};

/** A root module the CLI did not re-upload because its hash matched. */
export type ModuleHashConfig = { path: string; environment: "isolate" | "node"; sha256: string };

export type AppDefinitionConfig = {
  definition: ModuleConfig | null;
  dependencies: string[];
  schema: ModuleConfig | null;
  changedModules: ModuleConfig[];
  unchangedModuleHashes: ModuleHashConfig[];
  udfServerVersion: string;
};

export type ComponentDefinitionConfig = {
  definitionPath: string;
  definition: ModuleConfig;
  dependencies: string[];
  schema: ModuleConfig | null;
  functions: ModuleConfig[];
  udfServerVersion: string;
};

/** Body of `start_push`, `evaluate_schema` and `evaluate_push`. */
export type StartPushRequest = {
  adminKey: string;
  dryRun: boolean;
  functions: string;
  forCodegen?: boolean;
  appDefinition: AppDefinitionConfig;
  componentDefinitions: ComponentDefinitionConfig[];
  nodeDependencies: { name: string; version: string }[];
  nodeVersion?: string;
};

export type Visibility = { kind: "public" } | { kind: "internal" };

export type AnalyzedFunction = {
  name: string;
  udfType: "Query" | "Mutation" | "Action";
  visibility: Visibility | null;
  /** Validator JSON text; `null` when the function predates exported validators. */
  args: string | null;
  returns: string | null;
  pos: null;
};

export type HttpRoute = { path: string; method: string };

/** A cron as `crons.js`'s `default.export()` describes it. */
export type CronJobSpec = { name: string; args: unknown[]; schedule: Record<string, unknown> };

export type AnalyzedModule = {
  functions: AnalyzedFunction[];
  httpRoutes: { route: HttpRoute; pos: null }[] | null;
  cronSpecs: { identifier: string; spec: CronJobSpec }[] | null;
  sourceMapped: null;
};

export type IndexSchema = { indexDescriptor: string; fields: string[] };
export type SearchIndexSchema = { indexDescriptor: string; searchField: string; filterFields: string[] };
export type VectorIndexSchema = {
  indexDescriptor: string;
  vectorField: string;
  dimensions?: number;
  filterFields: string[];
};

export type TableDefinition = {
  tableName: string;
  indexes: IndexSchema[];
  stagedDbIndexes?: IndexSchema[];
  searchIndexes?: SearchIndexSchema[] | null;
  stagedSearchIndexes?: SearchIndexSchema[];
  vectorIndexes?: VectorIndexSchema[] | null;
  stagedVectorIndexes?: VectorIndexSchema[];
  documentType: unknown;
  stagedDocumentType?: unknown;
};

/** `JSON.parse(schema.default.export())`, passed through to the CLI. */
export type AnalyzedSchema = { tables: TableDefinition[]; schemaValidation: boolean };

export type ComponentExports =
  { type: "leaf"; leaf: string } | { type: "branch"; branch: [string, ComponentExports][] };

export type EnvBinding = { type: "value"; value: string } | { type: "envVar"; name: string };

export type ComponentInstantiation = {
  name: string;
  path: string;
  args?: unknown[];
  env?: [string, EnvBinding][] | null;
};

export type EnvVarDeclaration = [string, { type: "value"; value: string; optional?: boolean }];

/** What a `convex.config.js` default export's `export()` returns, plus `path`. */
export type ComponentDefinitionMetadata = {
  path: string;
  definitionType: { type: "app"; httpPrefix?: string } | { type: "childComponent"; name: string; args: unknown[] };
  childComponents: ComponentInstantiation[];
  httpMounts: Record<string, string>;
  httpPrefix?: string;
  exports: { type: "branch"; branch: [string, ComponentExports][] };
  envVars?: EnvVarDeclaration[] | null;
};

export type UdfConfig = {
  serverVersion: string;
  importPhaseRngSeed: { $bytes: string };
  importPhaseUnixTimestamp: { $integer: string };
};

export type EvaluatedComponentDefinition = {
  definition: ComponentDefinitionMetadata;
  schema: AnalyzedSchema | null;
  functions: Record<string, AnalyzedModule>;
  udfConfig: UdfConfig;
};

export type Resource =
  { type: "value"; value: string } | { type: "function"; path: { component: string; udfPath: string } };

export type CheckedExport =
  { type: "branch"; children: Record<string, CheckedExport> } | { type: "leaf"; resource: Resource };

export type CheckedComponent = {
  definitionPath: string;
  componentPath: string;
  args: Record<string, Resource>;
  childComponents: Record<string, CheckedComponent>;
  httpRoutes: { httpModuleRoutes: HttpRoute[] | null; mounts: string[] };
  exports: Record<string, CheckedExport>;
};

/** An auth provider as the CLI reads it in `appAuth`. */
export type AuthInfo =
  | { applicationID: string; domain: string }
  | { type: "customJwt"; applicationID: string | null; issuer: string; jwks: string; algorithm: string };

export type DeveloperIndexConfig = (
  | { name: string; type: "database"; fields: string[] }
  | { name: string; type: "search"; searchField: string; filterFields: string[] }
  | { name: string; type: "vector"; dimensions: number; vectorField: string; filterFields: string[] }
) & { staged?: boolean };

export type IndexDiff = {
  added_indexes: DeveloperIndexConfig[];
  removed_indexes: DeveloperIndexConfig[];
  enabled_indexes?: DeveloperIndexConfig[];
  disabled_indexes?: DeveloperIndexConfig[];
};

export type SchemaChange = {
  allocatedComponentIds: unknown;
  schemaIds: unknown;
  indexDiffs?: Record<string, IndexDiff>;
  /** convex-local's handle on the staged push (echo). */
  pushId?: string;
};

export type StartPushResponse = {
  environmentVariables: Record<string, string>;
  externalDepsId: string | null;
  componentDefinitionPackages: Record<string, unknown>;
  appAuth: AuthInfo[];
  analysis: Record<string, EvaluatedComponentDefinition>;
  app: CheckedComponent;
  schemaChange: SchemaChange;
  /** convex-local's handle on the staged push (echo). */
  pushId: string;
};

export type SchemaStatus =
  | {
      type: "inProgress";
      components: Record<string, { schemaValidationComplete: boolean; indexesComplete: number; indexesTotal: number }>;
    }
  | { type: "failed"; error: string; componentPath: string; tableName: string | null }
  | { type: "raceDetected" }
  | { type: "complete" };

export type ComponentDiff = {
  diffType: { type: "create" | "modify" | "unmount" | "remount" };
  moduleDiff: { added: string[]; removed: string[] };
  udfConfigDiff: { previous_version: string; next_version: string } | null;
  cronDiff: { added: string[]; updated: string[]; deleted: string[] };
  indexDiff: IndexDiff;
  schemaDiff: { previous_schema: string | null; next_schema: string | null } | null;
};

export type FinishPushDiff = {
  authDiff: { added: string[]; removed: string[] };
  definitionDiffs: Record<string, Record<string, never>>;
  componentDiffs: Record<string, ComponentDiff>;
};
