/**
 * The shapes convex-local assumes for convex-test's private state (its
 * `DatabaseFake`, `TransactionManager` and per-instance global) and for the
 * instance calls it makes. `assert-internals-shape.ts` checks them at run time.
 */

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
  /** The component the database belongs to (`""`: the app); a getter over `_componentPath`. */
  readonly componentPath: string;
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
