/**
 * What `process.env` is while user code runs: the deployment's variables
 * plus the ones Convex itself provides (`CONVEX_CLOUD_URL`,
 * `CONVEX_SITE_URL`), never the host process's own environment (`NODE_ENV`,
 * `CI`, the shell's secrets), as on Convex, where functions run in their own
 * isolate or Node process.
 *
 * convex-test runs functions in this process, so `process.env` is replaced
 * once with a proxy that answers from the deployment's variables inside an
 * execution scope (an AsyncLocalStorage the engine enters around every call,
 * push and cron, so scheduled functions and timers inherit it) and from the
 * host's real environment everywhere else. The host never sees a deployment
 * variable, and several engines in one process each keep their own.
 *
 * A component's functions are isolated from the app's variables on Convex:
 * they see only `CONVEX_CLOUD_URL` and `CONVEX_SITE_URL` (docs: Authoring
 * Components, "Environment variables"). Each engine scope therefore has a
 * component twin holding only those, which {@link runAsComponent} enters
 * around every function of a non-root component.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { inspect } from "node:util";

/** The variables functions of one engine see. */
export type ProcessEnvironment = {
  /** Replaces the deployment variables; the system URLs always win. */
  setDeploymentVariables(variables: Record<string, string>): void;
  /** Runs `body` (and everything it schedules) with this environment as `process.env`. */
  run<T>(body: () => T): T;
  /** Ends this environment's use of the process-wide proxy. */
  restore(): void;
};

type Scope = {
  variables: Record<string, string>;
  /** The engine's pair of scopes: the app's and its components'. */
  engine: { app: Scope; component: Scope };
};

const scopes = new AsyncLocalStorage<Scope>();
let hostEnv: NodeJS.ProcessEnv | null = null;
let proxy: NodeJS.ProcessEnv | null = null;
let users = 0;

/** The object `process.env` stands for right now. */
function currentView(): Record<string, string | undefined> {
  return scopes.getStore()?.variables ?? hostEnv!;
}

function installProxy(): void {
  users += 1;
  if (proxy !== null && process.env === proxy) return;
  hostEnv = process.env;
  // Node's inspect reads a proxy's target rather than going through the traps,
  // so the target carries only an inspect hook that shows the current view:
  // `console.log(process.env)` in a function must not print the host's secrets.
  const target = Object.defineProperty({}, inspect.custom, {
    value: (depth: number, options: object) => inspect({ ...currentView() }, { ...options, depth }),
    configurable: true,
    enumerable: false,
  }) as NodeJS.ProcessEnv;
  proxy = new Proxy(target, {
    get: (_target, key) => (key === inspect.custom ? Reflect.get(target, key) : Reflect.get(currentView(), key)),
    set: (_target, key, value) => {
      const view = currentView();
      // The host's env coerces values to strings itself; a scope's plain object does it here.
      return Reflect.set(view, key, view === hostEnv ? value : String(value));
    },
    has: (_target, key) => Reflect.has(currentView(), key),
    deleteProperty: (_target, key) => Reflect.deleteProperty(currentView(), key),
    ownKeys: () => Reflect.ownKeys(currentView()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(currentView(), key);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(currentView(), key, descriptor),
  });
  process.env = proxy;
}

function releaseProxy(): void {
  users -= 1;
  if (users > 0 || proxy === null) return;
  // Only undo our own replacement; someone who replaced it since keeps theirs.
  if (process.env === proxy && hostEnv !== null) process.env = hostEnv;
  proxy = null;
  hostEnv = null;
}

/**
 * Creates the environment of one engine: `CONVEX_CLOUD_URL` and
 * `CONVEX_SITE_URL` (trailing slashes trimmed, as the backend does) plus the
 * deployment variables set later. Call `restore()` when the engine closes.
 *
 * @example
 * const env = createProcessEnvironment({ cloudUrl: "http://127.0.0.1:3210", siteUrl: "http://127.0.0.1:3211" });
 * env.setDeploymentVariables({ OPENAI_KEY: "sk-…" });
 * await env.run(() => t.action(handle, {})); // the action reads process.env.OPENAI_KEY
 */
export function createProcessEnvironment(urls: { cloudUrl: string; siteUrl: string }): ProcessEnvironment {
  const system: Record<string, string> = {
    CONVEX_CLOUD_URL: urls.cloudUrl.replace(/\/+$/, ""),
    CONVEX_SITE_URL: urls.siteUrl.replace(/\/+$/, ""),
  };
  // One object per engine, replaced in place so scopes already running see new values.
  const engine = {} as Scope["engine"];
  const scope: Scope = { variables: { ...system }, engine };
  // Components only ever see the system URLs (writes stay theirs, as in an isolate of their own).
  engine.app = scope;
  engine.component = { variables: { ...system }, engine };
  let released = false;
  installProxy();

  return {
    setDeploymentVariables(variables) {
      for (const key of Object.keys(scope.variables)) delete scope.variables[key];
      Object.assign(scope.variables, variables, system);
      for (const key of Object.keys(engine.component.variables)) delete engine.component.variables[key];
      Object.assign(engine.component.variables, system);
    },
    run(body) {
      return scopes.run(scope, body);
    },
    restore() {
      if (released) return;
      released = true;
      releaseProxy();
    },
  };
}

/**
 * Runs `body` with the `process.env` of a function of `componentPath` in the
 * current engine: the app's variables for the root (`""`), only the system
 * URLs for any other component. Outside an engine scope `body` just runs.
 *
 * @example
 * const handler = (ctx, args) => runAsComponent("betterAuth", () => original(ctx, args));
 */
export function runAsComponent<T>(componentPath: string, body: () => T): T {
  const current = scopes.getStore();
  if (current === undefined) return body();
  const target = componentPath === "" ? current.engine.app : current.engine.component;
  return target === current ? body() : scopes.run(target, body);
}
