import { access, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import type { AppDeployment, Engine } from "../engine/types.ts";
import type { DeployedState } from "./deployed-state.ts";
import type { DeployStore } from "./deploy-store.ts";
import type { FinishPushDiff, SchemaStatus, StartPushRequest, StartPushResponse } from "./push-types.ts";
import type { StagedPush } from "./stage-push.ts";
import { buildAppDeployment } from "./build-app-deployment.ts";
import { CodedError } from "./coded-error.ts";
import { commitPush, deploymentOf, materializeVersion } from "./commit-push.ts";
import { ExternalPackages } from "./external-packages.ts";
import { stagePush } from "./stage-push.ts";
import { validateEnvChanges } from "./validate-env-changes.ts";

/** Staged pushes older than this are dropped (codegen never finishes its push). */
const STAGED_TTL_MS = 15 * 60_000;
/** At most this many analysed pushes are kept in memory at once. */
const MAX_STAGED = 4;

const EMPTY_DIFF: FinishPushDiff = { authDiff: { added: [], removed: [] }, definitionDiffs: {}, componentDiffs: {} };

/**
 * The deploy side of convex-local: answers the CLI's push protocol
 * (`get_config_hashes`, `start_push`, `evaluate_*`, `wait_for_schema`,
 * `finish_push`) and environment variable updates, keeps analysed pushes
 * until they finish, and hands finished pushes to the engine.
 *
 * @example
 * ```ts
 * const deploy = new DeployService({ dataDir, store, engine, systemEnv });
 * await deploy.restore();
 * const response = await deploy.startPush(request);
 * ```
 */
export class DeployService {
  private readonly dataDir: string;
  private readonly store: DeployStore;
  private readonly engine: Engine;
  private readonly systemEnv: Record<string, string>;
  private readonly externalPackages: ExternalPackages;
  private readonly staged = new Map<string, StagedPush>();
  private readonly validations = new Map<string, Promise<SchemaStatus>>();
  /** Commits run one at a time; the chain never rejects. */
  private commitChain: Promise<unknown> = Promise.resolve();
  private state: DeployedState | null;

  constructor(options: { dataDir: string; store: DeployStore; engine: Engine; systemEnv: Record<string, string> }) {
    this.dataDir = options.dataDir;
    this.store = options.store;
    this.engine = options.engine;
    this.systemEnv = options.systemEnv;
    this.externalPackages = new ExternalPackages(path.join(this.dataDir, "external-packages"));
    this.state = this.store.deployedState();
  }

  private get modulesRoot(): string {
    return path.join(this.dataDir, "modules");
  }

  private get stagingRoot(): string {
    return path.join(this.dataDir, "staging");
  }

  /** The last finished push, or null before the first one. */
  deployed(): DeployedState | null {
    return this.state;
  }

  /**
   * Re-deploys the persisted app after a start: hands the engine the env vars
   * and the last finished push, re-writing its module files from the store
   * and re-installing its external packages if they went missing.
   */
  async restore(): Promise<void> {
    await rm(this.stagingRoot, { recursive: true, force: true });
    await mkdir(this.modulesRoot, { recursive: true });
    this.engine.setEnvironmentVariables(this.store.environmentVariables());
    const state = this.state;
    if (!state) return;
    await this.restoreExternalPackages(state);
    const versionDir = path.join(this.modulesRoot, state.version);
    const present = await access(versionDir).then(
      () => true,
      () => false,
    );
    if (!present) {
      await materializeVersion(
        this.modulesRoot,
        state.version,
        state.instances,
        (definitionPath) => this.store.modules(definitionPath),
        state.externalDepsId ? this.externalPackages.nodeModulesDir(state.externalDepsId) : null,
      );
    }
    await this.engine.deploy(deploymentOf(this.modulesRoot, state));
  }

  environmentVariables(): Record<string, string> {
    return this.store.environmentVariables();
  }

  /** Applies a batch of env var changes atomically (`value: null` removes). */
  updateEnvironmentVariables(changes: unknown): void {
    const next = validateEnvChanges(this.store.environmentVariables(), changes);
    this.store.replaceEnvironmentVariables(next);
    this.engine.setEnvironmentVariables(next);
  }

  /** `POST /api/get_config_hashes`. */
  getConfigHashes(): Record<string, unknown> {
    return {
      config: { functions: this.state?.functions ?? "convex/", authInfo: this.state?.appAuth ?? [] },
      moduleHashes: this.store.rootModuleHashes(),
      nodeDependencies: this.state?.nodeDependencies ?? [],
      udfServerVersion: this.state?.udfServerVersion ?? null,
    };
  }

  /** `POST /api/deploy2/start_push`: analyse and keep the push; no deployment change. */
  async startPush(request: StartPushRequest): Promise<StartPushResponse> {
    this.evictStaged();
    const staged = await this.stage(request);
    this.staged.set(staged.pushId, staged);
    this.evictStaged();
    return staged.response;
  }

  /** `POST /api/deploy2/evaluate_push`: the schema change a push would make, nothing kept. */
  async evaluatePush(request: StartPushRequest): Promise<{ schemaChange: StartPushResponse["schemaChange"] }> {
    const staged = await this.stage(request);
    await rm(staged.stagingDir, { recursive: true, force: true });
    return { schemaChange: staged.response.schemaChange };
  }

  /** `POST /api/deploy2/evaluate_schema`: no predictions yet, which the CLI accepts as "no warnings". */
  evaluateSchema(): Record<string, unknown> {
    return { componentSchemaEvaluations: {}, newComponentDefinitions: [] };
  }

  /**
   * `POST /api/deploy2/wait_for_schema`: checks existing documents against
   * the staged schemas (once per push). A long poll bounded by `timeoutMs`.
   */
  async waitForSchema(body: { schemaChange?: { pushId?: unknown }; timeoutMs?: unknown }): Promise<SchemaStatus> {
    const staged = this.stagedFor(body?.schemaChange?.pushId);
    const validation = this.validation(staged);
    const timeoutMs =
      typeof body.timeoutMs === "number" && body.timeoutMs > 0 ? Math.min(body.timeoutMs, 60_000) : 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<SchemaStatus>((resolve) => {
      timer = setTimeout(() => {
        const components = Object.fromEntries(
          staged.instances.map((i) => [
            i.componentPath,
            { schemaValidationComplete: false, indexesComplete: 0, indexesTotal: 0 },
          ]),
        );
        resolve({ type: "inProgress", components });
      }, timeoutMs);
    });
    try {
      return await Promise.race([validation, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `POST /api/deploy2/finish_push`: commit the staged push (or report an empty diff for a dry run). */
  async finishPush(body: { startPush?: { pushId?: unknown }; dryRun?: unknown }): Promise<FinishPushDiff> {
    const staged = this.stagedFor(body?.startPush?.pushId);
    if (body.dryRun === true || staged.dryRun) {
      await this.dropStaged(staged.pushId);
      return EMPTY_DIFF;
    }
    const run = this.commitChain.then(() => this.commit(staged));
    this.commitChain = run.catch(() => undefined);
    return await run;
  }

  /** Drops staged pushes and their files. */
  async close(): Promise<void> {
    await this.commitChain;
    for (const pushId of [...this.staged.keys()]) await this.dropStaged(pushId);
  }

  private async commit(staged: StagedPush): Promise<FinishPushDiff> {
    const current = this.store.environmentVariables();
    if (JSON.stringify(current) !== JSON.stringify(staged.environmentVariables)) {
      throw new CodedError("RaceDetected", "Environment variables changed during the push. Run the command again.");
    }
    if ((this.state?.version ?? null) !== staged.baseVersion) {
      throw new CodedError(
        "RaceDetected",
        "Another push finished while this one was in progress. Run the command again.",
      );
    }
    const status = await this.validation(staged);
    if (status.type === "failed") throw new CodedError("SchemaValidationFailed", status.error);
    const { diff, state } = await commitPush(staged, {
      engine: this.engine,
      store: this.store,
      modulesRoot: this.modulesRoot,
      previous: this.state,
      environmentVariables: current,
      externalNodeModules: staged.externalDepsId ? this.externalPackages.nodeModulesDir(staged.externalDepsId) : null,
    });
    const previous = this.state;
    this.state = state;
    await this.dropStaged(staged.pushId);
    // Calls still running on the previous version keep its packages, as they keep its modules.
    await this.externalPackages.prune([
      state.externalDepsId,
      previous?.externalDepsId,
      ...[...this.staged.values()].map((s) => s.externalDepsId),
    ]);
    return diff;
  }

  /**
   * Installs the deployed set again when its directory is gone (a cleaned
   * data dir). Without the registry the server still starts: only the Node
   * actions that import an external package fail, naming it.
   */
  private async restoreExternalPackages(state: DeployedState): Promise<void> {
    if (!state.nodeDependencies?.length) return;
    try {
      await this.externalPackages.ensure(state.nodeDependencies);
    } catch (error) {
      process.emitWarning(
        `convex-local could not re-install the external packages of the deployed Node actions: ${(error as Error).message}`,
        { code: "CONVEX_LOCAL_EXTERNAL_PACKAGES" },
      );
    }
  }

  private async stage(request: StartPushRequest): Promise<StagedPush> {
    await mkdir(this.stagingRoot, { recursive: true });
    return await stagePush(request, {
      stagingRoot: this.stagingRoot,
      storedRootModules: this.store.modules(""),
      deployed: this.state,
      environmentVariables: this.store.environmentVariables(),
      systemEnv: this.systemEnv,
      externalPackages: this.externalPackages,
    });
  }

  private validation(staged: StagedPush): Promise<SchemaStatus> {
    let validation = this.validations.get(staged.pushId);
    if (!validation && !this.schemasChanged(staged)) {
      // Same schemas as the running deployment: its documents already fit.
      validation = Promise.resolve({ type: "complete" });
      this.validations.set(staged.pushId, validation);
    }
    if (!validation) {
      const candidate: AppDeployment = buildAppDeployment({
        version: `staged-${staged.pushId}`,
        instances: staged.instances,
        analysis: staged.analysis,
        appAuth: staged.appAuth,
        modulesDirOf: (instance) => staged.definitionDirs.get(instance.definitionPath)!,
      });
      validation = this.engine.validateDeployment(candidate).then(
        (violation): SchemaStatus =>
          violation === null
            ? { type: "complete" }
            : {
                type: "failed",
                error: violation.error,
                componentPath: violation.componentPath,
                tableName: violation.tableName,
              },
        (error: unknown): SchemaStatus => ({
          type: "failed",
          error: `Schema validation could not run: ${(error as Error)?.message ?? String(error)}`,
          componentPath: "",
          tableName: null,
        }),
      );
      this.validations.set(staged.pushId, validation);
    }
    return validation;
  }

  /** Whether any component instance would get a schema different from the one it runs with now. */
  private schemasChanged(staged: StagedPush): boolean {
    const state = this.state;
    if (!state) return true;
    const current = new Map(
      state.instances.map((i) => [i.componentPath, JSON.stringify(state.analysis[i.definitionPath]?.schema ?? null)]),
    );
    return staged.instances.some(
      (i) => current.get(i.componentPath) !== JSON.stringify(staged.analysis[i.definitionPath].schema ?? null),
    );
  }

  private stagedFor(pushId: unknown): StagedPush {
    const staged = typeof pushId === "string" ? this.staged.get(pushId) : undefined;
    if (!staged) {
      throw new CodedError(
        "PushNotFound",
        "This push is unknown to convex-local (it expired or the server restarted since start_push). Run the command again.",
      );
    }
    return staged;
  }

  private evictStaged(): void {
    const now = Date.now();
    const byAge = [...this.staged.values()].sort((a, b) => a.createdAt - b.createdAt);
    byAge.forEach((staged, index) => {
      if (now - staged.createdAt > STAGED_TTL_MS || byAge.length - index > MAX_STAGED)
        void this.dropStaged(staged.pushId);
    });
  }

  private async dropStaged(pushId: string): Promise<void> {
    const staged = this.staged.get(pushId);
    this.staged.delete(pushId);
    this.validations.delete(pushId);
    if (staged) await rm(staged.stagingDir, { recursive: true, force: true });
  }
}
