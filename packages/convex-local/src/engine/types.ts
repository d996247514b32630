/**
 * The contract between the deploy side of convex-local (HTTP admin API,
 * push analysis, module store) and the execution engine (convex-test based,
 * persistent). The deploy side writes pushed modules to disk and hands the
 * engine an {@link AppDeployment}; the engine runs functions against the
 * persisted database.
 */

/** One pushed module, as the Convex CLI sends it in `start_push`. */
export type ModuleSource = {
  /** POSIX path relative to the component dir, `.js`: `auth.js`, `_deps/ABC.js`, `schema.js`. */
  path: string;
  source: string;
  sourceMap?: string | null;
  environment: "isolate" | "node";
};

/** One component instance of a deployed app (the root app is `componentPath: ""`). */
export type ComponentDeployment = {
  /** "" for the root app, "betterAuth" for `app.use(betterAuth)`, "a/b" when nested. */
  componentPath: string;
  /** The definition path the CLI sent (opaque key; "" for the root). */
  definitionPath: string;
  /**
   * Absolute directory holding this component's module files, laid out by
   * module path, importable with Node's ESM loader (`package.json` with
   * `"type": "module"` in it). `schema.js` is in it when the component has one.
   */
  modulesDir: string;
  /** Function module paths (no `_deps/`, no `schema.js`, no `convex.config.js`, no `auth.config.js`). */
  modules: string[];
  /** Whether `schema.js` exists in `modulesDir`. */
  hasSchema: boolean;
};

/** A Convex auth provider from `auth.config.ts`, as the CLI reports it in `appAuth`. */
export type AuthProviderConfig =
  | { applicationID: string; domain: string }
  | { type: "customJwt"; applicationID?: string | null; issuer: string; jwks: string; algorithm: "RS256" | "ES256" };

/** A cron job from `crons.js` (`default.export()` parsed). */
export type CronSpec = { identifier: string; udfPath: string; args: unknown[]; schedule: Record<string, unknown> };

/** Everything the engine needs to serve one pushed version. */
export type AppDeployment = {
  /** Unique per push that finished; used to cache-bust module imports (`?v=`). */
  version: string;
  components: ComponentDeployment[];
  authConfig: AuthProviderConfig[];
  crons: CronSpec[];
};

/** Who calls a function. */
export type Caller =
  | { kind: "anonymous" }
  | { kind: "admin"; actingAs?: Record<string, unknown> }
  | { kind: "user"; identity: Record<string, unknown> & { subject: string; issuer: string; tokenIdentifier: string } };

/** A function call, by path, the way `/api/function` and the sync protocol name it. */
export type RunRequest = {
  componentPath: string;
  /** `module:function` with the module path without extension, e.g. `messages:list`, `dir/file:fn`. */
  udfPath: string;
  /** Convex values (already decoded from Convex JSON). */
  args: Record<string, unknown>;
  caller: Caller;
  /** When set, the function must be of this type (the HTTP API's /api/query etc.). */
  expectedType?: "query" | "mutation" | "action";
};

/** The outcome of a call. Errors are values: the HTTP API reports them with status 560. */
export type RunResult =
  | { status: "success"; value: unknown; logLines: string[] }
  | { status: "error"; errorMessage: string; errorData?: unknown; logLines: string[] };

/** A document that violates a new schema: what `wait_for_schema` reports as `failed`. */
export type SchemaViolation = { componentPath: string; tableName: string | null; error: string };

/** The execution engine. */
export interface Engine {
  /**
   * Checks the persisted documents against the deployment's schemas without
   * switching to it; `null` when every document fits.
   */
  validateDeployment(app: AppDeployment): Promise<SchemaViolation | null>;
  /** Switches to the deployment: new code, schemas, crons. Data is kept. */
  deploy(app: AppDeployment): Promise<void>;
  /** The deployment being served, or null before the first push. */
  current(): AppDeployment | null;
  /** Runs a query, mutation or action. A mutation resolves only after its writes are durable. */
  run(request: RunRequest): Promise<RunResult>;
  /** Deployment environment variables, as functions see them in `process.env`. */
  setEnvironmentVariables(variables: Record<string, string>): void;
  /** Stops timers and closes the store. */
  close(): Promise<void>;
  /**
   * Serves a request on the site origin with the app's `http.js` router (HTTP
   * actions), running the handler as `caller`. Optional: engines without it
   * get the backend's 404 texts from the server.
   */
  runHttpAction?(request: Request, caller: Caller, options?: HttpActionOptions): Promise<Response>;
  /**
   * Serves the cloud origin's file-storage routes (`/api/storage/upload`,
   * `/api/storage/<uuid>`), the URLs `generateUploadUrl` and `getUrl`
   * answer. Optional: without it those routes don't exist.
   */
  serveStorage?(request: Request): Promise<Response>;
}

/** Options of `Engine.runHttpAction` beyond the caller. */
export type HttpActionOptions = {
  /**
   * The error from an `Authorization` header that was present but invalid:
   * the action still runs (as `caller`, normally anonymous) and
   * `ctx.auth.getUserIdentity()` throws this error, as on the backend.
   */
  authError?: Error;
  /** Receives the `console.*` lines the action logged, once it returned (for the log tail). */
  onLogLines?(logLines: string[]): void;
};

/** Options of `createEngine` (in `create-engine.ts`). */
export type EngineOptions = {
  /** Directory for the engine's durable state (it owns the files it creates there). */
  dataDir: string;
  /** `CONVEX_CLOUD_URL` as functions see it. */
  cloudUrl: string;
  /** `CONVEX_SITE_URL` as functions see it. */
  siteUrl: string;
  /**
   * How long an action (called, scheduled or HTTP) may run before it fails,
   * in ms, in both runtimes. Default: the host's
   * `CONVEX_LOCAL_ACTION_TIMEOUT_MS`, else Convex's limits: 30 minutes in
   * the Convex runtime (and for HTTP actions), 10 minutes in Node.
   */
  actionTimeoutMs?: number;
  /**
   * The largest file `POST /api/storage/upload` accepts, in bytes (a 413
   * `StorageUploadTooLarge` beyond). Convex sets no size limit, but
   * convex-local holds files in memory. Default 256 MiB (`DEFAULT_MAX_UPLOAD_BYTES`).
   */
  maxUploadBytes?: number;
};
