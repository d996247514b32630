/**
 * The execution engine: convex-test runs the functions, and every committed
 * transaction is written to SQLite inside convex-test's commit, before the
 * mutation's caller hears back.
 *
 * Each push gets a new convex-test instance (schemas and module keys are
 * fixed at creation), but the component databases live on: the new instance
 * adopts them under its schemas, and all instances share one transaction
 * manager, so older instances' in-flight actions and scheduler timers keep
 * working against the same data.
 */
import { makeFunctionReference } from "convex/server";
import type { Value } from "convex/values";
import {
  adoptDatabase,
  advanceCommitTs,
  clearDatabase,
  createTestInstance,
  functionHandle,
  hookCommits,
  loadDatabase,
  redirectComponents,
  runWhenIdle,
  setDeploymentJwtKey,
  shareTransactionManager,
  type CapturedInstance,
  type CommittedTransaction,
  type DeploymentJwtKey,
  type InternalDatabase,
  type InternalTransactionManager,
  type TestInstance,
} from "./convex-test-internals.ts";
import { createAdminData, type AdminData } from "./admin-data.ts";
import { createCronRunner } from "./cron-runner.ts";
import { ActionTimeoutError, containInstance, failFaultedJob, installFaultContainment } from "./fault-containment.ts";
import { DEFAULT_ACTION_TIMEOUT_MS, loadComponent, type LoadedComponent } from "./deployment-modules.ts";
import { loadDeploymentJwtKey } from "./deployment-jwt-key.ts";
import { captureMutationResults, openMutationDedupStore, type MutationRecords } from "./mutation-dedup-store.ts";
import { openEngineStore } from "./engine-store.ts";
import { findSchemaViolation } from "./find-schema-violation.ts";
import { formatRunError, newRequestId, timeoutMessage } from "./format-run-error.ts";
import { httpActionErrorResponse, runHttpAction } from "./http-action.ts";
import { installIndexAccelerator } from "./index-accelerator.ts";
import { installAsyncContextGlobal } from "./async-context-global.ts";
import { currentComponentPath, observeSyscalls, type FileBytesBySha } from "./observe-syscalls.ts";
import { createProcessEnvironment } from "./process-environment.ts";
import type { CommitWrite } from "./read-set.ts";
import { observeReadSets } from "./read-set-tracking.ts";
import { parseUdfPath, resolveFunction } from "./resolve-function.ts";
import { restoreScheduledJobs } from "./restore-scheduled-jobs.ts";
import { createStorageHttp } from "./storage-http.ts";
import { installStorageSyscalls } from "./storage-syscalls.ts";
import { createStorageUrls, newStorageSecret } from "./storage-urls.ts";
import { convertNestedSyscallErrors } from "./nested-call-errors.ts";
import { guardSystemTables } from "./system-table-guard.ts";
import { currentRunContext, installConsoleCapture, withRunContext, type FunctionRuntime } from "./run-context.ts";
import type { AppDeployment, Caller, CronSpec, Engine, EngineOptions, RunResult, SchemaViolation } from "./types.ts";

/** A durable commit, for the sync layer's invalidation. */
export type EngineCommit = { ts: bigint; tables: { componentPath: string; tableName: string }[] };

/** {@link Engine} plus what the server side may use beyond the contract. */
export type PersistentEngine = Engine & {
  /** The deployment's JWKS (`/.well-known/jwks.json`), the keys `ctx.auth.signJwt` signs with. */
  jwks(): { keys: DeploymentJwtKey["publicJwk"][] };
  /** Calls `listener` after each commit is durable; returns an unsubscribe function. */
  onCommit(listener: (commit: EngineCommit) => void): () => void;
  /** The ts of the last durable commit (ns); after a mutation's `run()` resolves it is at least that mutation's. */
  lastCommitTs(): bigint;
  /** Like `onCommit`, with every written document id: the sync layer's write sets (`read-set.ts`). */
  onCommitWrites(listener: (commit: { ts: bigint; writes: CommitWrite[] }) => void): () => void;
  /** Socket mutations recorded with their commits, for exactly-once replay across restarts. */
  mutationRecords: MutationRecords;
  /** Committed data and id-keeping writes for the CLI's `data`, `export` and `import` (`admin-data.ts`). */
  adminData: AdminData;
};

type Active = { app: AppDeployment; instance: CapturedInstance; components: Map<string, LoadedComponent> };

function accessorFor(t: TestInstance, caller: Caller): TestInstance {
  if (caller.kind === "user") return t.withIdentity(caller.identity);
  if (caller.kind === "admin" && caller.actingAs !== undefined) return t.withIdentity(caller.actingAs);
  return t;
}

/** `CONVEX_LOCAL_ACTION_TIMEOUT_MS` of the host process (both runtimes), or null. */
function actionTimeoutFromEnvironment(): number | null {
  const configured = Number(process.env.CONVEX_LOCAL_ACTION_TIMEOUT_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : null;
}

function componentDepth(componentPath: string): number {
  return componentPath === "" ? 0 : componentPath.split("/").length;
}

/**
 * Opens the engine's store in `options.dataDir`; call `deploy()` before `run()`.
 *
 * @example
 * const engine = await createEngine({ dataDir: ".convex-local", cloudUrl: "http://127.0.0.1:3210", siteUrl: "http://127.0.0.1:3211" });
 * await engine.deploy(app);
 * const result = await engine.run({ componentPath: "", udfPath: "messages:list", args: {}, caller: { kind: "anonymous" } });
 */
export async function createEngine(options: EngineOptions): Promise<PersistentEngine> {
  const store = openEngineStore(options.dataDir);
  const jwtKey = await loadDeploymentJwtKey(store);
  const mutationRecords = openMutationDedupStore(store.database);
  const environment = createProcessEnvironment(options);
  installConsoleCapture();
  // User code runs in this process: its stray errors must fail its call, not the server.
  installFaultContainment();
  const configuredTimeoutMs = options.actionTimeoutMs ?? actionTimeoutFromEnvironment();
  // Called, scheduled and HTTP actions alike; Convex's limit depends on the runtime.
  const actionTimeoutMs = (runtime: FunctionRuntime | null) =>
    configuredTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS[runtime ?? "isolate"];
  // File URLs stay valid across restarts, so their secret is kept with the data.
  let storageSecret = store.readMeta("storage_url_secret");
  if (storageSecret === null) store.writeMeta("storage_url_secret", (storageSecret = newStorageSecret()));
  const storageUrls = createStorageUrls(options.cloudUrl, storageSecret);
  // convex-test alone answers every index read by scanning the whole table.
  installIndexAccelerator();
  // Concurrent requests share this process; isolate their async context.
  installAsyncContextGlobal();

  let transactionManager: InternalTransactionManager | null = null;
  const liveDatabases = new Map<string, InternalDatabase>();
  const instances: CapturedInstance[] = [];
  const listeners = new Set<(commit: EngineCommit) => void>();
  const writeListeners = new Set<(commit: { ts: bigint; writes: CommitWrite[] }) => void>();
  const fileBytes: FileBytesBySha = new Map();
  let active: Active | null = null;
  let lastCommitTs = store.lastCommitTs();
  let closed = false;
  let deploying: Promise<void> = Promise.resolve();

  function persistCommit(commit: CommittedTransaction): void {
    if (closed) return;
    const context = currentRunContext();
    try {
      store.writeCommit(
        commit,
        (componentPath, storageId) => {
          const component = commit.components.find((c) => c.componentPath === componentPath);
          const metadata = component?.documents.find((d) => d.id === storageId)?.document;
          const bytes = typeof metadata?.sha256 === "string" ? fileBytes.get(metadata.sha256) : undefined;
          if (bytes === undefined) return null;
          return { bytes, contentType: typeof metadata?.contentType === "string" ? metadata.contentType : null };
        },
        mutationRecords.recordCommit(commit.ts),
      );
    } catch (error) {
      // Throwing makes hookCommits undo the commit in memory: memory keeps matching disk,
      // this call fails (persistError) and the next one runs as usual.
      if (context !== null) context.persistError = error;
      console.error("convex-local could not write a commit to its store; the transaction is undone", error);
      throw error;
    }
    for (const component of commit.components) {
      for (const { tableName, document } of component.documents) {
        if (tableName === "_storage" && typeof document?.sha256 === "string") fileBytes.delete(document.sha256);
      }
    }
    lastCommitTs = commit.ts;
    const tables = new Map<string, { componentPath: string; tableName: string }>();
    for (const component of commit.components) {
      for (const { tableName } of component.documents) {
        tables.set(`${component.componentPath}\u0000${tableName}`, {
          componentPath: component.componentPath,
          tableName,
        });
      }
    }
    for (const listener of listeners) {
      try {
        listener({ ts: commit.ts, tables: [...tables.values()] });
      } catch (error) {
        console.error("A convex-local commit listener threw", error);
      }
    }
    // Sync layer: write sets with document ids.
    if (writeListeners.size > 0) {
      const writes = commit.components.flatMap(({ componentPath, documents }) =>
        documents.map(({ id, tableName, document, previous }) => ({
          componentPath,
          tableName,
          id,
          before: previous,
          after: document,
        })),
      );
      for (const listener of writeListeners) {
        try {
          listener({ ts: commit.ts, writes });
        } catch (error) {
          console.error("A convex-local commit listener threw", error);
        }
      }
    }
  }

  async function fireCron(cron: CronSpec): Promise<void> {
    const current = active;
    if (current === null || closed) return;
    // Through convex-test's scheduler, so the run is a durable job like any `runAfter(0, …)`.
    await environment.run(() =>
      current.instance.t.runInComponent("", async (ctx) => {
        await ctx.scheduler.runAfter(
          0,
          makeFunctionReference(cron.udfPath),
          (cron.args[0] ?? {}) as Record<string, Value>,
        );
      }),
    );
  }
  const crons = createCronRunner(store, fireCron);

  async function switchTo(app: AppDeployment): Promise<void> {
    const loaded = await Promise.all(
      app.components.map((component) => loadComponent(component, app.version, { actionTimeoutMs })),
    );
    const components = new Map(loaded.map((component) => [component.deployment.componentPath, component]));
    const root = components.get("");
    if (root === undefined) throw new Error('The deployment has no root component (componentPath "")');
    const instance = createTestInstance(root.schema, captureMutationResults(root.modules));
    for (const component of [...loaded].sort(
      (a, b) => componentDepth(a.deployment.componentPath) - componentDepth(b.deployment.componentPath),
    )) {
      if (component.deployment.componentPath !== "") {
        instance.registerComponent(
          component.deployment.componentPath,
          component.schema,
          captureMutationResults(component.modules),
        );
      }
    }
    setDeploymentJwtKey(instance.global, jwtKey);
    observeSyscalls(instance.global, {
      fileBytes,
      scheduledElsewhere: (componentPath, jobId, target) => {
        if (!closed) store.writeScheduledTarget(componentPath, jobId, target);
      },
    });
    observeReadSets(instance.global);
    guardSystemTables(instance.global);
    convertNestedSyscallErrors(instance.global);
    installStorageSyscalls(instance.global, { urls: storageUrls, componentPathOf: currentComponentPath });
    containInstance(instance.global, {
      componentPathOf: currentComponentPath,
      onJobFault: (job, error) => failFaultedJob(() => (closed ? null : (active?.instance ?? null)), job, error),
    });
    if (transactionManager === null) {
      transactionManager = instance.global.transactionManager;
      advanceCommitTs(transactionManager, store.lastCommitTs());
      hookCommits(transactionManager, persistCommit);
    } else {
      shareTransactionManager(instance.global, transactionManager);
    }
    const restored = await runWhenIdle(transactionManager, () => {
      const fresh: string[] = [];
      for (const componentPath of Object.keys(instance.global.components)) {
        const live = liveDatabases.get(componentPath);
        if (live !== undefined) {
          adoptDatabase(instance.global, componentPath, live);
          continue;
        }
        const db = instance.global.components[componentPath]!.db;
        loadDatabase(db, store.readComponent(componentPath));
        liveDatabases.set(componentPath, db);
        fresh.push(componentPath);
      }
      for (const previous of instances) redirectComponents(previous.global, instance.global);
      instances.push(instance);
      active = { app, instance, components };
      return fresh;
    });
    for (const componentPath of restored) await restoreScheduledJobs(instance, componentPath, store);
    crons.update(app.crons);
  }

  return {
    async validateDeployment(app: AppDeployment): Promise<SchemaViolation | null> {
      for (const component of app.components) {
        // Module top-level code runs here, and sees the deployment's env as functions do.
        const loaded = await environment.run(() => loadComponent(component, app.version, { actionTimeoutMs }));
        const violation = findSchemaViolation(
          component.componentPath,
          loaded.schema,
          store.documents(component.componentPath),
        );
        if (violation !== null) return violation;
      }
      return null;
    },

    deploy(app) {
      if (closed) return Promise.reject(new Error("The engine is closed"));
      const next = deploying.then(() => environment.run(() => switchTo(app)));
      deploying = next.catch(() => {});
      return next;
    },

    current() {
      return active?.app ?? null;
    },

    async run(request): Promise<RunResult> {
      const requestId = newRequestId();
      let actionTimer: NodeJS.Timeout | undefined;
      const { context, outcome } = await environment.run(() =>
        withRunContext(async (context) => {
          if (closed) throw new Error("The engine is closed");
          const current = active;
          const component = current?.components.get(request.componentPath);
          const resolved = await resolveFunction(component, request);
          const { modulePath, exportName } = parseUdfPath(resolved.udfPath);
          context.runtime = component?.runtimeOf(modulePath) ?? null;
          if (resolved.type === "action") {
            const limitMs = actionTimeoutMs(context.runtime);
            actionTimer = setTimeout(() => context.terminate(new ActionTimeoutError(limitMs, exportName)), limitMs);
          }
          const accessor = accessorFor(current!.instance.t, request.caller);
          return await accessor[resolved.type](functionHandle(request.componentPath, resolved.udfPath), request.args);
        }),
      );
      clearTimeout(actionTimer);
      if (outcome.ok && context.persistError === null) {
        return { status: "success", value: outcome.value, logLines: context.logLines };
      }
      const error = outcome.ok
        ? new Error(`convex-local could not write to its store: ${String(context.persistError)}`)
        : outcome.error;
      return { status: "error", ...formatRunError(error, requestId, context.runtime), logLines: context.logLines };
    },

    setEnvironmentVariables(variables) {
      environment.setDeploymentVariables(variables);
    },

    async close() {
      if (closed) return;
      crons.stop();
      await deploying;
      const finish = () => {
        closed = true;
        // Timers convex-test armed can't be cancelled; emptied databases make them find no job.
        for (const db of liveDatabases.values()) clearDatabase(db);
      };
      if (transactionManager === null) finish();
      else await runWhenIdle(transactionManager, finish);
      store.close();
      environment.restore();
    },

    jwks() {
      return { keys: [{ ...jwtKey.publicJwk }] };
    },

    onCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    lastCommitTs() {
      return lastCommitTs;
    },

    onCommitWrites(listener) {
      writeListeners.add(listener);
      return () => writeListeners.delete(listener);
    },

    mutationRecords,

    serveStorage: createStorageHttp({
      urls: storageUrls,
      instance: () => (closed ? null : (active?.instance ?? null)),
      ...(options.maxUploadBytes !== undefined ? { maxUploadBytes: options.maxUploadBytes } : {}),
    }),

    adminData: createAdminData({ instance: () => (closed ? null : (active?.instance ?? null)), fileBytes }),

    // HTTP actions (site origin): routing and the handler call live in http-action.ts.
    async runHttpAction(request, caller, options) {
      const current = active;
      if (closed || current === null) {
        return new Response("This Convex deployment does not have HTTP actions enabled.", { status: 404 });
      }
      const accessor = accessorFor(current.instance.t, caller) as TestInstance & {
        fetch(path: string, init: RequestInit): Promise<unknown>;
      };
      const root = current.components.get("");
      // HTTP actions run in the Convex runtime, under its action time limit.
      const limitMs = actionTimeoutMs("isolate");
      let timer: NodeJS.Timeout | undefined;
      const { context, outcome } = await environment.run(() =>
        withRunContext((context) => {
          timer = setTimeout(() => context.terminate(new ActionTimeoutError(limitMs, "http")), limitMs);
          return runHttpAction(
            { loadHttpModule: () => root?.load("http") ?? null, fetch: (p, i) => accessor.fetch(p, i) },
            request,
            options,
          );
        }),
      );
      clearTimeout(timer);
      options?.onLogLines?.(context.logLines);
      if (!outcome.ok && outcome.error instanceof ActionTimeoutError) {
        return httpActionErrorResponse(timeoutMessage(outcome.error, "isolate"));
      }
      if (!outcome.ok) throw outcome.error;
      // A write of the action's mutations that never became durable must not look like success.
      const persistError = context.persistError;
      if (persistError !== null) {
        return Response.json(
          {
            code: `[Request ID: ${newRequestId()}] Server Error: convex-local could not write to its store: ${String(persistError)}`,
          },
          { status: 500 },
        );
      }
      return outcome.value;
    },
  };
}
