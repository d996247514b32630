/**
 * Every place where convex-local relies on convex-test's private internals.
 *
 * convex-test (pinned to exactly 0.0.70) runs the functions, but keeps its
 * database, transaction manager and scheduler in a module-private "global"
 * object that it only exposes through a module-private AsyncLocalStorage.
 * Persistence needs that state, and the sorted indexes (`index-accelerator.ts`)
 * need its query resolution, so this module reaches them, and nothing else in
 * convex-local may. `convex-test-internals.test.ts` checks each assumption and
 * names the one that broke when convex-test changes.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { convexTest } from "convex-test";
import type { SchemaDefinition } from "convex/server";
import { jsonToConvex, type JSONValue, type Value } from "convex/values";

/** A committed document as convex-test holds it (Convex values, not JSON). */
export type InternalDocument = Record<string, unknown> & { _id: string; _creationTime: number };

/** The fields and methods of convex-test's `DatabaseFake` that convex-local uses. */
export type InternalDatabase = {
  _documents: Record<string, InternalDocument>;
  _tableIds: Map<string, Set<string>>;
  _storage: Record<string, Blob>;
  _nextDocId: number;
  _lastCreationTime: number;
  _schema: unknown;
  /** One layer of pending writes per nesting level; `null` = deleted. */
  _writes: Record<string, InternalDocument | null>[];
  _pendingFiles: Map<string, Blob>[];
  _validate(tableName: string, value: Record<string, unknown>): void;
  insert(tableName: string, value: Record<string, unknown>): string;
  patch(tableName: string, id: string, value: Record<string, unknown>): void;
  get(tableName: string, id: string): InternalDocument | null;
};

/** The fields and methods of convex-test's `TransactionManager` that convex-local uses. */
export type InternalTransactionManager = {
  _lastCommitTs: bigint;
  _waitOnCurrentFunction: Promise<void> | null;
  commit(isNested: boolean): bigint | null;
};

/** What convex-test's `deploymentJwtKey` promise resolves to. */
export type DeploymentJwtKey = {
  privateKey: CryptoKey;
  kid: string;
  publicJwk: { kty: "EC"; crv: "P-256"; x: string; y: string; kid: string; alg: "ES256"; use: "sig" };
};

/** The per-instance state convex-test keeps in its private AsyncLocalStorage. */
export type InternalGlobal = {
  components: Record<string, { db: InternalDatabase; modules: unknown }>;
  transactionManager: InternalTransactionManager;
  scheduler: unknown;
  syscall: (op: string, jsonArgs: string) => string;
  asyncSyscall: (op: string, jsonArgs: string) => Promise<string>;
  jsSyscall: (op: string, args: Record<string, unknown>) => Promise<unknown>;
  deploymentJwtKey: Promise<DeploymentJwtKey> | null;
};

type Identity = Record<string, unknown>;

/**
 * The calls convex-local makes on a convex-test instance. `runInComponent`
 * exists on every instance but is missing from convex-test's published types.
 */
export type TestInstance = {
  query(handle: string, args: Record<string, unknown>): Promise<unknown>;
  mutation(handle: string, args: Record<string, unknown>): Promise<unknown>;
  action(handle: string, args: Record<string, unknown>): Promise<unknown>;
  withIdentity(identity: Identity): TestInstance;
  runInComponent<T>(componentPath: string, handler: (ctx: MutationCtxLike) => Promise<T>): Promise<T>;
};

/** The part of a mutation ctx that convex-local's inline mutations use. */
export type MutationCtxLike = {
  scheduler: { runAfter(delayMs: number, reference: unknown, args: Record<string, unknown>): Promise<unknown> };
};

/** A convex-test instance together with the private state behind it. */
export type CapturedInstance = {
  t: TestInstance;
  global: InternalGlobal;
  /** Registers a child component on this instance. */
  registerComponent(componentPath: string, schema: unknown, modules: ModuleMap): void;
};

/** The modules map convex-test takes: key → module loader, one key containing `_generated`. */
export type ModuleMap = Record<string, () => Promise<unknown>>;

/** The document changes of one component in one committed transaction. */
export type ComponentCommit = {
  componentPath: string;
  /** Document after the commit, or `null` when the transaction deleted it. */
  documents: {
    id: string;
    tableName: string;
    document: InternalDocument | null;
    /** The document before the commit, or `null` when the transaction created it (for index-range invalidation). */
    previous?: InternalDocument | null;
  }[];
  /** Files whose `_storage` document this transaction created. */
  files: { id: string; blob: Blob }[];
  nextDocId: number;
  lastCreationTime: number;
};

/** One committed top-level transaction. */
export type CommittedTransaction = { ts: bigint; components: ComponentCommit[] };

const CAPTURED = Symbol("convex-local captured the convex-test global");
let convexGlobalStorage: AsyncLocalStorage<InternalGlobal> | null = null;
/** The hooks {@link hookDatabaseQueries} installed, or null (convex-test answers alone). */
let databaseHooks: DatabaseQueryHooks | null = null;

function looksLikeConvexGlobal(store: unknown): store is InternalGlobal {
  return (
    typeof store === "object" &&
    store !== null &&
    "components" in store &&
    "transactionManager" in store &&
    "asyncSyscall" in store
  );
}

/**
 * Reads the private global of a convex-test instance. Every method of `t` runs
 * `convexGlobalStorage.run(convexGlobal, …)`, so a temporary patch of
 * `AsyncLocalStorage.prototype.run` sees the store and aborts the call before
 * it does anything.
 */
function captureGlobal(t: unknown): InternalGlobal {
  const originalRun = AsyncLocalStorage.prototype.run;
  let captured: InternalGlobal | null = null;
  AsyncLocalStorage.prototype.run = function patchedRun(
    this: AsyncLocalStorage<unknown>,
    store: unknown,
    ...rest: unknown[]
  ) {
    if (looksLikeConvexGlobal(store)) {
      captured = store;
      convexGlobalStorage = this as AsyncLocalStorage<InternalGlobal>;
      throw CAPTURED;
    }
    return (originalRun as (...args: unknown[]) => unknown).call(this, store, ...rest);
  } as typeof originalRun;
  try {
    const finish = (t as { finishInProgressScheduledFunctions?: () => unknown }).finishInProgressScheduledFunctions;
    if (typeof finish !== "function") {
      throw new Error("convex-test internals changed: `t.finishInProgressScheduledFunctions` is missing");
    }
    const result = finish();
    // Reaching here means the call was not wrapped in the ALS; don't leave it dangling.
    if (result instanceof Promise) result.catch(() => {});
  } catch (error) {
    if (error !== CAPTURED) throw error;
  } finally {
    AsyncLocalStorage.prototype.run = originalRun;
  }
  if (captured === null) {
    throw new Error(
      "convex-test internals changed: its methods no longer run inside an AsyncLocalStorage whose store has " +
        "`components`, `transactionManager` and `asyncSyscall`, so convex-local cannot reach the database",
    );
  }
  assertInternalsShape(captured);
  return captured;
}

function fail(what: string): never {
  throw new Error(`convex-test internals changed: ${what}. convex-local's engine needs convex-test 0.0.70 exactly.`);
}

/**
 * Throws a specific error when the captured global lacks something the engine
 * uses. Runs on every instance the engine creates, so a convex-test upgrade
 * fails at start-up instead of losing data later.
 *
 * @example
 * assertInternalsShape(instance.global);
 */
export function assertInternalsShape(global: InternalGlobal): void {
  const root = global.components[""];
  if (root === undefined) fail('`components[""]` (the root component) is missing');
  const db = root.db as unknown as Record<string, unknown>;
  for (const field of ["_documents", "_storage"]) {
    if (typeof db[field] !== "object" || db[field] === null) fail(`DatabaseFake.${field} is not an object`);
  }
  if (!(db._tableIds instanceof Map)) fail("DatabaseFake._tableIds is not a Map");
  if (typeof db._nextDocId !== "number") fail("DatabaseFake._nextDocId is not a number");
  if (typeof db._lastCreationTime !== "number") fail("DatabaseFake._lastCreationTime is not a number");
  if (!Array.isArray(db._writes)) fail("DatabaseFake._writes is not an array");
  if (!Array.isArray(db._pendingFiles)) fail("DatabaseFake._pendingFiles is not an array");
  if (!("_schema" in db)) fail("DatabaseFake._schema is missing");
  for (const method of ["_validate", "insert", "patch", "get", "commit", "startTransaction"]) {
    if (typeof db[method] !== "function") fail(`DatabaseFake.${method}() is missing`);
  }
  const tm = global.transactionManager as unknown as Record<string, unknown>;
  if (typeof tm._lastCommitTs !== "bigint") fail("TransactionManager._lastCommitTs is not a bigint");
  if (!("_waitOnCurrentFunction" in tm)) fail("TransactionManager._waitOnCurrentFunction is missing");
  for (const method of ["commit", "begin", "rollback"]) {
    if (typeof tm[method] !== "function") fail(`TransactionManager.${method}() is missing`);
  }
  if (typeof global.asyncSyscall !== "function") fail("global.asyncSyscall is not a function");
  if (typeof global.jsSyscall !== "function") fail("global.jsSyscall is not a function");
  if (!("deploymentJwtKey" in global)) fail("global.deploymentJwtKey is missing");
  if (typeof global.scheduler !== "object" || global.scheduler === null) fail("global.scheduler is missing");
}

/**
 * Creates a convex-test instance for a root component and captures its private state.
 *
 * @example
 * const instance = createTestInstance(schema, { "/root/_generated/api.js": async () => ({}), ... });
 * await instance.t.query(functionHandle("", "messages:list"), {});
 */
export function createTestInstance(schema: unknown, modules: ModuleMap): CapturedInstance {
  const t = convexTest((schema ?? undefined) as SchemaDefinition<never, boolean> | undefined, modules);
  if (typeof (t as unknown as Record<string, unknown>).runInComponent !== "function") {
    fail("`t.runInComponent` is missing");
  }
  const global = captureGlobal(t);
  return {
    t: t as unknown as TestInstance,
    global,
    registerComponent(componentPath, componentSchema, componentModules) {
      t.registerComponent(
        componentPath,
        (componentSchema ?? null) as SchemaDefinition<never, boolean>,
        componentModules,
      );
    },
  };
}

/**
 * convex-test's function handle for a function in any component; its
 * `t.query/mutation/action` accept it like a function reference.
 *
 * @example
 * functionHandle("counter", "lib:increment"); // "function://counter;lib:increment"
 */
export function functionHandle(componentPath: string, udfPath: string): string {
  return `function://${componentPath};${udfPath}`;
}

/**
 * The `sha256` convex-test records in a file's `_storage` document (base64,
 * not hex), which is how the engine matches stored bytes to a committed file.
 *
 * @example
 * fileDigest(new TextEncoder().encode("abc")); // "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
 */
export function fileDigest(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}

/**
 * The table of a convex-test document id (`<counter><table>`), or null.
 *
 * @example
 * tableNameFromId("000000000000000000010000messages"); // "messages"
 */
export function tableNameFromId(id: string): string | null {
  const match = /^[0-9]+/.exec(id);
  if (match === null || match[0].length === id.length) return null;
  return id.slice(match[0].length);
}

/**
 * Calls `listener` synchronously after every top-level commit, inside
 * convex-test's commit, so it runs before the mutation's caller resumes.
 * Pending writes are read just before the commit applies them; the documents
 * are read back afterwards because only then are commit-ts placeholders resolved.
 *
 * @example
 * hookCommits(instance.global.transactionManager, (commit) => store.write(commit));
 */
export function hookCommits(
  transactionManager: InternalTransactionManager,
  listener: (commit: CommittedTransaction) => void,
): void {
  const original = transactionManager.commit;
  transactionManager.commit = function commitAndReport(this: InternalTransactionManager, isNested: boolean) {
    if (isNested) return original.call(this, isNested);
    const global = convexGlobalStorage?.getStore();
    if (global === undefined) fail("TransactionManager.commit() ran outside convex-test's AsyncLocalStorage");
    const pending = Object.entries(global.components).map(([componentPath, { db }]) => ({
      componentPath,
      db,
      ids: Object.keys(db._writes.at(-1) ?? {}),
      fileIds: [...(db._pendingFiles.at(-1)?.keys() ?? [])],
      // `_documents` still holds the committed versions until `original` applies the writes.
      previous: new Map(Object.keys(db._writes.at(-1) ?? {}).map((id) => [id, db._documents[id] ?? null])),
    }));
    const ts = original.call(this, isNested);
    if (ts === null) fail("TransactionManager.commit(false) returned no commit timestamp");
    const components: ComponentCommit[] = [];
    for (const { componentPath, db, ids, fileIds, previous } of pending) {
      if (ids.length === 0) continue;
      components.push({
        componentPath,
        documents: ids.map((id) => ({
          id,
          tableName: tableNameFromId(id) ?? "",
          document: db._documents[id] ?? null,
          previous: previous.get(id) ?? null,
        })),
        files: fileIds.flatMap((id) => (db._storage[id] === undefined ? [] : [{ id, blob: db._storage[id] }])),
        nextDocId: db._nextDocId,
        lastCreationTime: db._lastCreationTime,
      });
    }
    try {
      listener({ ts, components });
    } catch (error) {
      // The commit already happened in memory; throwing into convex-test would leave its transaction state broken.
      console.error("A convex-test commit listener threw", error);
    }
    return ts;
  };
}

/**
 * Makes every instance of an engine share one transaction manager, so
 * transactions of an old deployment (in-flight actions, armed scheduler
 * timers) and of the new one are serialized and all go through the commit hook.
 *
 * @example
 * shareTransactionManager(next.global, first.global.transactionManager);
 */
export function shareTransactionManager(global: InternalGlobal, transactionManager: InternalTransactionManager): void {
  global.transactionManager = transactionManager;
}

/**
 * Runs `action` synchronously at a moment when no top-level transaction runs
 * (convex-test serializes them behind `_waitOnCurrentFunction`), so it can
 * swap databases without a transaction seeing both sides.
 *
 * @example
 * await runWhenIdle(tm, () => adoptDatabase(next.global, "", liveDb));
 */
export async function runWhenIdle<T>(transactionManager: InternalTransactionManager, action: () => T): Promise<T> {
  while (transactionManager._waitOnCurrentFunction !== null) {
    await transactionManager._waitOnCurrentFunction;
  }
  return action();
}

/**
 * Keeps using `liveDb` (with its documents and the scheduler timers that hold
 * it) under the schema of a newly created instance. Call with no transaction running.
 *
 * @example
 * adoptDatabase(next.global, "", liveRootDb);
 */
export function adoptDatabase(global: InternalGlobal, componentPath: string, liveDb: InternalDatabase): void {
  const entry = global.components[componentPath];
  if (entry === undefined) throw new Error(`Component "${componentPath}" is not registered on the new instance`);
  liveDb._schema = entry.db._schema;
  // Its indexes may have been added, removed or redefined.
  databaseHooks?.reset(liveDb);
  entry.db = liveDb;
}

/**
 * Points an older instance's components at the newer instance's entries, so
 * in-flight actions and armed timers of the old instance call the new code.
 *
 * @example
 * redirectComponents(previous.global, next.global);
 */
export function redirectComponents(from: InternalGlobal, to: InternalGlobal): void {
  for (const [componentPath, entry] of Object.entries(to.components)) {
    from.components[componentPath] = entry;
  }
}

/** Persisted state of one component, as convex-test values. */
export type DatabaseContents = {
  documents: { tableName: string; document: InternalDocument }[];
  files: { id: string; blob: Blob }[];
  nextDocId: number;
  lastCreationTime: number;
};

/**
 * Fills a fresh component database with persisted documents, files and id
 * counters. The counter never goes below an id already in use.
 *
 * @example
 * loadDatabase(instance.global.components[""].db, contents);
 */
export function loadDatabase(db: InternalDatabase, contents: DatabaseContents): void {
  let nextDocId = Math.max(db._nextDocId, contents.nextDocId);
  for (const { tableName, document } of contents.documents) {
    db._documents[document._id] = document;
    let ids = db._tableIds.get(tableName);
    if (ids === undefined) {
      ids = new Set();
      db._tableIds.set(tableName, ids);
    }
    ids.add(document._id);
    const counter = Number(/^[0-9]+/.exec(document._id)?.[0] ?? "0");
    nextDocId = Math.max(nextDocId, counter + 1);
  }
  for (const { id, blob } of contents.files) db._storage[id] = blob;
  db._nextDocId = nextDocId;
  db._lastCreationTime = Math.max(db._lastCreationTime, contents.lastCreationTime);
  // The documents changed without a commit: nothing derived from the old ones holds.
  databaseHooks?.reset(db);
}

/**
 * Empties a database so convex-test timers that outlive `close()` find no job
 * to run (convex-test keeps no handles to cancel them).
 *
 * @example
 * clearDatabase(db);
 */
export function clearDatabase(db: InternalDatabase): void {
  db._documents = {};
  db._tableIds = new Map();
  db._storage = {};
  databaseHooks?.reset(db);
}

/**
 * Moves the commit clock forward to at least `ts` (restored from disk).
 *
 * @example
 * advanceCommitTs(tm, 1700000000000000000n);
 */
export function advanceCommitTs(transactionManager: InternalTransactionManager, ts: bigint): void {
  if (ts > transactionManager._lastCommitTs) transactionManager._lastCommitTs = ts;
}

/**
 * Makes `ctx.auth.signJwt` of this instance sign with `key` instead of a
 * generated, non-extractable one (convex-test only generates when unset).
 *
 * @example
 * setDeploymentJwtKey(instance.global, key);
 */
export function setDeploymentJwtKey(global: InternalGlobal, key: DeploymentJwtKey): void {
  global.deploymentJwtKey = Promise.resolve(key);
}

/**
 * Intercepts the async and JS syscalls of one instance (the global `Convex`
 * object reads them from the current instance on every call).
 *
 * @example
 * wrapSyscalls(global, { async: (original) => (op, json) => original(op, json) });
 */
export function wrapSyscalls(
  global: InternalGlobal,
  wrappers: {
    async?: (original: InternalGlobal["asyncSyscall"]) => InternalGlobal["asyncSyscall"];
    js?: (original: InternalGlobal["jsSyscall"]) => InternalGlobal["jsSyscall"];
  },
): void {
  if (wrappers.async !== undefined) global.asyncSyscall = wrappers.async(global.asyncSyscall);
  if (wrappers.js !== undefined) global.jsSyscall = wrappers.js(global.jsSyscall);
}

/**
 * Intercepts the synchronous syscalls of one instance (`1.0/queryStream`,
 * `1.0/db/normalizeId`, …), which {@link wrapSyscalls} leaves alone. The
 * sync layer needs them to see which tables a query streams.
 *
 * @example
 * wrapSyncSyscall(global, (original) => (op, json) => original(op, json));
 */
export function wrapSyncSyscall(
  global: InternalGlobal,
  wrapper: (original: InternalGlobal["syscall"]) => InternalGlobal["syscall"],
): void {
  global.syscall = wrapper(global.syscall);
}

/** A `_scheduled_functions` job to hand back to convex-test's scheduler. */
export type ScheduledJob = {
  id: string;
  /** Component whose `_scheduled_functions` table holds the job. */
  componentPath: string;
  /** Component of the function to run (differs for handles and component references). */
  targetComponentPath: string;
  udfPath: string;
  args: unknown;
  /** Unix ms. */
  scheduledTime: number;
};

/**
 * Arms convex-test's own scheduler for a job that already has its
 * `_scheduled_functions` document (restored from disk): it runs the
 * `1.0/schedule` syscall with `insert` answering the existing id instead of
 * writing a new document, so convex-test's timer, state transitions and
 * error handling apply unchanged. Overdue jobs run right away.
 *
 * @example
 * await rearmScheduledJob(instance, job);
 */
export async function rearmScheduledJob(
  instance: CapturedInstance,
  job: ScheduledJob,
  encodeArgs: (args: unknown) => unknown,
): Promise<void> {
  await instance.t.runInComponent(job.componentPath, async () => {
    const db = instance.global.components[job.componentPath]?.db;
    if (db === undefined) throw new Error(`Component "${job.componentPath}" is not registered`);
    const ownInsert = Object.getOwnPropertyDescriptor(db, "insert");
    let answered = false;
    db.insert = (tableName, value) => {
      if (tableName === "_scheduled_functions" && !answered) {
        answered = true;
        return job.id;
      }
      return Object.getPrototypeOf(db).insert.call(db, tableName, value);
    };
    try {
      await instance.global.asyncSyscall(
        "1.0/schedule",
        JSON.stringify({
          name: job.udfPath,
          functionHandle: functionHandle(job.targetComponentPath, job.udfPath),
          args: encodeArgs(job.args),
          ts: job.scheduledTime / 1000,
        }),
      );
    } finally {
      if (ownInsert === undefined) delete (db as Partial<InternalDatabase>).insert;
      else Object.defineProperty(db, "insert", ownInsert);
    }
    if (!answered)
      fail("the `1.0/schedule` syscall no longer inserts into `_scheduled_functions` through DatabaseFake.insert");
  });
}

/**
 * Marks a job failed the way convex-test's scheduler does (`state.kind =
 * "failed"`, `completedTime`), in its own transaction.
 *
 * @example
 * await markScheduledJobFailed(instance, "", jobId);
 */
export async function markScheduledJobFailed(
  instance: CapturedInstance,
  componentPath: string,
  jobId: string,
): Promise<void> {
  await instance.t.runInComponent(componentPath, async () => {
    const db = instance.global.components[componentPath]?.db;
    if (db === undefined) throw new Error(`Component "${componentPath}" is not registered`);
    db.patch("_scheduled_functions", jobId, { state: { kind: "failed" }, completedTime: Date.now() });
  });
}

/**
 * A database with `schema`, used only to check documents against it with
 * convex-test's own validator.
 *
 * @example
 * const probe = createValidationDatabase(schema);
 * validateDocument(probe, "messages", { body: "hi" }); // throws "Validator error: …"
 */
export function createValidationDatabase(schema: unknown): InternalDatabase {
  const probe = createTestInstance(schema, { "/probe/_generated/api.js": async () => ({}) });
  const root = probe.global.components[""];
  if (root === undefined) fail('`components[""]` is missing');
  return root.db;
}

/**
 * Throws convex-test's validation error when `fields` (a document without
 * `_id`/`_creationTime`) doesn't fit the table's schema.
 *
 * @example
 * validateDocument(db, "messages", { body: "hi" });
 */
export function validateDocument(db: InternalDatabase, tableName: string, fields: Record<string, unknown>): void {
  db._validate(tableName, fields);
}

/** The schema convex-test keeps per table: exported validator JSON. */
export type InternalTableSchema = { documentType: ValidatorJson };
/** Convex validator JSON (`Validator.json`). */
export type ValidatorJson = { type: string; value?: unknown; [key: string]: unknown };

/**
 * The schema a database validates against, as convex-test stores it.
 *
 * @example
 * databaseSchema(db)?.tables.get("messages")?.documentType;
 */
export function databaseSchema(
  db: InternalDatabase,
): { schemaValidation: boolean; tables: Map<string, InternalTableSchema> } | null {
  return db._schema as { schemaValidation: boolean; tables: Map<string, InternalTableSchema> } | null;
}

/**
 * A database whose single table `probe` has `documentType`, to validate a
 * value against a sub-validator with convex-test's validator.
 *
 * @example
 * validateDocument(validatorProbe({ type: "object", value: { n: { fieldType: { type: "number" }, optional: false } } }), "probe", { n: 1 });
 */
export function validatorProbe(documentType: ValidatorJson): InternalDatabase {
  const table = { export: () => ({ documentType, indexes: [], searchIndexes: [], vectorIndexes: [] }) };
  return createValidationDatabase({ schemaValidation: true, tables: { probe: table } });
}

/**
 * The component a `1.0/schedule` call targets, given the component it runs
 * in: a function handle names it, a component reference is a child, a name
 * is the caller's own.
 *
 * @example
 * scheduledTargetComponent({ reference: "_reference/childComponent/counter/lib/increment" }, ""); // "counter"
 */
export function scheduledTargetComponent(
  address: { functionHandle?: unknown; reference?: unknown },
  currentComponentPath: string,
): string {
  if (typeof address.functionHandle === "string") {
    const [componentPath = ""] = address.functionHandle.replace(/^function:\/\//, "").split(";");
    return componentPath;
  }
  if (typeof address.reference === "string") {
    const child = address.reference.split("/")[2] ?? "";
    return currentComponentPath === "" ? child : `${currentComponentPath}/${child}`;
  }
  return currentComponentPath;
}

/**
 * The committed documents of one table.
 *
 * @example
 * for (const job of tableDocuments(db, "_scheduled_functions")) console.log(job.state);
 */
export function* tableDocuments(db: InternalDatabase, tableName: string): Iterable<InternalDocument> {
  for (const id of db._tableIds.get(tableName) ?? []) {
    const document = db._documents[id];
    if (document !== undefined) yield document;
  }
}

// ---------------------------------------------------------------------------
// Query resolution, for the sorted indexes of `index-accelerator.ts`.
// convex-test answers every query source by visiting every document of the
// table; these hooks let convex-local answer from sorted indexes instead,
// while convex-test keeps validating ranges, applying filters and limits,
// paging and counting reads.
// ---------------------------------------------------------------------------

/** One bound of an index range (`q.eq/gt/gte/lt/lte`) in a serialized query; `value` is Convex JSON. */
export type InternalRangeExpression = { type: "Eq" | "Gt" | "Gte" | "Lt" | "Lte"; fieldPath: string; value: unknown };

/** The source of a serialized query, as `1.0/queryStream` and `1.0/queryPage` hand it to convex-test. */
export type InternalQuerySource =
  | { type: "FullTableScan"; tableName: string; order?: "asc" | "desc" | null }
  | { type: "IndexRange"; indexName: string; range: InternalRangeExpression[]; order?: "asc" | "desc" | null }
  | { type: "Search"; indexName: string; [key: string]: unknown };

/** A serialized query: its source plus `.filter()` / `.take()` operators. */
export type InternalQuery = { source: InternalQuerySource; operators: Record<string, unknown>[] };

/**
 * What `DatabaseFake._resolveQuerySource` returns: the documents the source
 * yields, in query order, before the query's filters and limit. convex-test
 * only reads `sortedDocs.length` and `sortedDocs[i]`, so any array-like works.
 */
export type ResolvedQuerySource = {
  sortedDocs: InternalDocument[];
  filterFn: (doc: InternalDocument) => boolean;
  limit: number | null;
  fieldPathsToSortBy: string[];
  order: "asc" | "desc";
};

/** The arguments of `DatabaseFake.paginate` (the `1.0/queryPage` syscall's). */
export type InternalPaginateArgs = {
  query: InternalQuery;
  cursor: string | null;
  endCursor?: string | null;
  pageSize: number;
  maximumRowsRead?: number;
  maximumBytesRead?: number;
};

/** A document one top-level commit wrote: its committed version before and after (null: absent). */
export type CommittedChange = {
  id: string;
  tableName: string;
  before: InternalDocument | null;
  after: InternalDocument | null;
};

/** convex-test's own answers for one query, for hooks that answer part of it themselves. */
export type StockResolution = {
  /** convex-test's full answer (visits every document of the table). */
  all(): ResolvedQuerySource;
  /**
   * convex-test's answer over the transaction's pending writes only: the
   * latest pending version of each written document that the source yields,
   * in query order. Validates the range (and throws) exactly like `all()`.
   */
  pendingOnly(): ResolvedQuerySource;
};

/** What {@link hookDatabaseQueries} calls. Every call is synchronous, inside convex-test. */
export type DatabaseQueryHooks = {
  /** Answers `_resolveQuerySource` (streams, pages and counts all go through it). */
  resolveQuerySource(db: InternalDatabase, query: InternalQuery, stock: StockResolution): ResolvedQuerySource;
  /** Wraps `paginate`; `stock()` runs convex-test's, which calls `resolveQuerySource` once. */
  paginate(db: InternalDatabase, args: InternalPaginateArgs, stock: () => unknown): unknown;
  /** After a top-level commit moved pending writes into the committed documents. */
  committed(db: InternalDatabase, changes: CommittedChange[]): void;
  /** The database's documents or schema were replaced without a commit (load, clear, schema push). */
  reset(db: InternalDatabase): void;
};

type PatchableDatabase = InternalDatabase & {
  _resolveQuerySource(query: InternalQuery): ResolvedQuerySource;
  paginate(args: InternalPaginateArgs): unknown;
  commit(commitTs?: unknown): unknown;
};

const patchedPrototypes = new WeakSet<object>();

/** Runs convex-test's `_resolveQuerySource` with the committed documents hidden. */
function resolvePendingOnly(
  db: PatchableDatabase,
  stock: PatchableDatabase["_resolveQuerySource"],
  query: InternalQuery,
): ResolvedQuerySource {
  // `_iterateDocs` visits `_tableIds` plus the ids in `_writes`; with no
  // table ids it visits exactly the pending writes. Synchronous, so no other
  // code sees the swap.
  const saved = db._tableIds;
  db._tableIds = new Map();
  try {
    return stock.call(db, query);
  } finally {
    db._tableIds = saved;
  }
}

/**
 * Routes query resolution, pagination and top-level commits of every
 * convex-test database in the process through `hooks` (null: convex-test's
 * own code only). The methods live on `DatabaseFake.prototype`, which
 * convex-test doesn't export; it is reached through a probe instance and
 * patched once per process.
 *
 * @example
 * hookDatabaseQueries({
 *   resolveQuerySource: (db, query, stock) => stock.all(),
 *   paginate: (db, args, stock) => stock(),
 *   committed() {},
 *   reset() {},
 * });
 */
export function hookDatabaseQueries(hooks: DatabaseQueryHooks | null): void {
  databaseHooks = hooks;
  const proto = Object.getPrototypeOf(createValidationDatabase(null)) as PatchableDatabase;
  if (patchedPrototypes.has(proto)) return;
  for (const method of ["_resolveQuerySource", "paginate", "commit"] as const) {
    if (typeof proto[method] !== "function") fail(`DatabaseFake.prototype.${method}() is missing`);
  }
  const stockResolve = proto._resolveQuerySource;
  const stockPaginate = proto.paginate;
  const stockCommit = proto.commit;
  proto._resolveQuerySource = function resolveQuerySource(this: PatchableDatabase, query) {
    if (databaseHooks === null) return stockResolve.call(this, query);
    return databaseHooks.resolveQuerySource(this, query, {
      all: () => stockResolve.call(this, query),
      pendingOnly: () => resolvePendingOnly(this, stockResolve, query),
    });
  };
  proto.paginate = function paginate(this: PatchableDatabase, args) {
    if (databaseHooks === null) return stockPaginate.call(this, args);
    return databaseHooks.paginate(this, args, () => stockPaginate.call(this, args));
  };
  proto.commit = function commit(this: PatchableDatabase, commitTs?: unknown) {
    // Only the outermost commit moves writes into `_documents`; nested ones merge them one level up.
    const top = databaseHooks !== null && this._writes.length === 1 ? this._writes[0]! : null;
    const before = top === null ? [] : Object.keys(top).map((id) => [id, this._documents[id] ?? null] as const);
    const result = stockCommit.call(this, commitTs);
    if (top !== null && databaseHooks !== null) {
      const changes = before.map(([id, previous]) => ({
        id,
        tableName: tableNameFromId(id) ?? "",
        before: previous,
        after: this._documents[id] ?? null,
      }));
      try {
        databaseHooks.committed(this, changes);
      } catch (error) {
        // The commit already happened; throwing here would break convex-test's
        // transaction state. Forgetting derived state keeps answers correct.
        console.error("A convex-local database commit hook threw", error);
        databaseHooks.reset(this);
      }
    }
    return result;
  };
  patchedPrototypes.add(proto);
}

/**
 * The key fields convex-test sorts an index range by (the index's fields,
 * then `_creationTime`, then `_id`), or null when the schema doesn't declare
 * the index (convex-test then throws).
 *
 * @example
 * indexKeyFields(db, "messages", "by_author"); // ["author", "_creationTime", "_id"]
 */
export function indexKeyFields(db: InternalDatabase, tableName: string, indexName: string): string[] | null {
  if (indexName === "by_creation_time") return ["_creationTime", "_id"];
  if (indexName === "by_id") return ["_id"];
  type IndexSchema = { indexDescriptor: string; fields: string[] };
  const schema = db._schema as { tables: Map<string, { indexes?: IndexSchema[] }> } | null;
  const index = schema?.tables.get(tableName)?.indexes?.find((i) => i.indexDescriptor === indexName);
  return index === undefined ? null : [...index.fields, "_creationTime", "_id"];
}

/**
 * Ids of `tableName` written (inserted, changed or deleted) at any nesting
 * level of the running transaction.
 *
 * @example
 * pendingWriteIds(db, "messages"); // ["000000000000000000010041messages"]
 */
export function pendingWriteIds(db: InternalDatabase, tableName: string): string[] {
  const ids = new Set<string>();
  for (const level of db._writes) {
    for (const id of Object.keys(level)) if (tableNameFromId(id) === tableName) ids.add(id);
  }
  return [...ids];
}

/**
 * The committed version of a document, ignoring the running transaction's writes.
 *
 * @example
 * committedDocument(db, id)?._creationTime;
 */
export function committedDocument(db: InternalDatabase, id: string): InternalDocument | null {
  return db._documents[id] ?? null;
}

/** convex-test's `isSimpleObject`: only plain objects are descended into by field paths. */
function isSimpleObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  return prototype === null || prototype === Object.prototype || prototype.constructor?.name === "Object";
}

/**
 * Reads a dotted field path the way convex-test's `evaluateFieldPath` does
 * (a missing field or a non-object on the way gives undefined). convex-test
 * also replaces unresolved commit timestamps by int64 max; `compareValues`
 * of `convex/values` already orders them as that value, so comparisons agree.
 *
 * @example
 * fieldReader("profile.name")({ profile: { name: "ann" } }); // "ann"
 */
export function fieldReader(fieldPath: string): (doc: InternalDocument) => Value | undefined {
  const parts = fieldPath.split(".");
  return (doc) => {
    let result: unknown = doc;
    for (const part of parts) {
      result =
        result !== undefined && result !== null && typeof result === "object" && isSimpleObject(result)
          ? (result as Record<string, unknown>)[part]
          : undefined;
    }
    return result as Value | undefined;
  };
}

/**
 * A range bound's value as convex-test evaluates it (`{ $undefined: null }`
 * is undefined, the rest is Convex JSON).
 *
 * @example
 * rangeBoundValue({ $integer: "AQAAAAAAAAA=" }); // 1n
 */
export function rangeBoundValue(json: unknown): Value | undefined {
  if (typeof json === "object" && json !== null && "$undefined" in json) return undefined;
  return jsonToConvex(json as JSONValue);
}

/**
 * The key values of a `paginate` cursor other than `"_end_cursor"`: one per
 * cursor field (the sort fields, plus `_id`), undefined for a missing field.
 *
 * @example
 * decodePaginationCursor('["1700000000000","\\"0001messages\\""]'); // [1700000000000, "0001messages"]
 */
export function decodePaginationCursor(cursor: string): (Value | undefined)[] {
  const keys = JSON.parse(cursor) as unknown;
  if (!Array.isArray(keys)) throw new Error(`Not a convex-test pagination cursor: ${cursor}`);
  return keys.map((key) => (key === null ? undefined : jsonToConvex(JSON.parse(key as string) as JSONValue)));
}
